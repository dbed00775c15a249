"""storyline's SQLite store: versioned schema, records in and out, full-text search.

``Store(path)`` is the only entry point; the web app opens it with ``readonly=True``.
"""

from storyline.store.db import Membership, SearchHit, Store, StoryRow, open_store
from storyline.store.schema import LATEST, MIGRATIONS

__all__ = ["LATEST", "MIGRATIONS", "Membership", "SearchHit", "Store", "StoryRow", "open_store"]
