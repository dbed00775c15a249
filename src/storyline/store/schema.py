"""The store's schema as an ordered list of migrations.

Each migration is applied once, in its own transaction, and recorded in the
``migrations`` table (version, name, time), the sqlite-utils/datasette way. To
change the schema, append a migration; never edit one that has shipped.

Records are stored whole as JSON (``data``) next to the few columns queries need;
ids are content hashes, so re-inserting the same article is a no-op.
"""

from __future__ import annotations

MIGRATIONS: tuple[tuple[int, str, str], ...] = (
    (
        1,
        "articles, stories, memberships, events, full-text index",
        """
        CREATE TABLE articles (
            id TEXT PRIMARY KEY,
            seq INTEGER NOT NULL UNIQUE,      -- insertion order: the order of warm starts
            source TEXT NOT NULL,
            url TEXT,
            outlet TEXT,
            title TEXT,
            published TEXT,
            language TEXT,
            data TEXT NOT NULL,               -- Article.to_dict() as JSON
            signature BLOB,                   -- MinHash hash values (uint64), NULL if too short
            added TEXT NOT NULL
        );
        CREATE INDEX articles_published ON articles(published);
        CREATE TABLE story_articles (
            article_id TEXT PRIMARY KEY REFERENCES articles(id),
            story_id TEXT NOT NULL,
            duplicate_of TEXT,                -- the original this article is a near-copy of
            reason TEXT                       -- why it stands alone / was clustered specially
        );
        CREATE INDEX story_articles_story ON story_articles(story_id);
        CREATE TABLE stories (
            id TEXT PRIMARY KEY,
            title TEXT NOT NULL,
            first TEXT,
            last TEXT,
            n_articles INTEGER NOT NULL,
            outlets TEXT NOT NULL,            -- JSON list of outlet names
            data TEXT NOT NULL,               -- Story.to_dict() as JSON (events included)
            updated TEXT NOT NULL
        );
        CREATE TABLE events (
            id TEXT PRIMARY KEY,
            story_id TEXT NOT NULL,
            date TEXT,
            title TEXT NOT NULL,
            data TEXT NOT NULL
        );
        CREATE INDEX events_story ON events(story_id);
        CREATE VIRTUAL TABLE articles_fts USING fts5(
            article_id UNINDEXED, title, text, tokenize = 'unicode61 remove_diacritics 2'
        );
        """,
    ),
)

LATEST = MIGRATIONS[-1][0]
