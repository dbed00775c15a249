"""storyline's error types. Messages say what went wrong and what to do."""

from __future__ import annotations


class StorylineError(Exception):
    """Base of every error storyline raises on purpose."""


class InputError(StorylineError):
    """An input file (or one record inside it) cannot be read.

    ``source`` names the file as the user gave it (``path#N`` for the N-th
    record of a container); ``reason`` is one short human sentence.
    """

    def __init__(self, source: str, reason: str) -> None:
        super().__init__(f"{source}: {reason}")
        self.source = source
        self.reason = reason


class ExtractError(StorylineError):
    """A document was read but holds no article (empty after cleaning, binary...)."""


class UsageError(StorylineError):
    """The command line or settings ask for something impossible (exit code 2)."""


class StoreError(StorylineError):
    """The SQLite store is missing, locked or of an unknown schema version."""
