"""The store's schema as an ordered list of migrations.

Each migration is applied once, in its own transaction, and recorded in the
``migrations`` table (version, name, time), the sqlite-utils/datasette way. To
change the schema, append a migration; never edit one that has shipped.
A migration may hold triggers (``BEGIN ... END`` with semicolons inside):
the store splits statements with ``sqlite3.complete_statement``.

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
    (
        2,
        "story outlets and recency index for the story list",
        # Why: the web app's story list counted outlets by unpacking every story's
        # JSON `outlets` (json_each over all stories, ~12 ms of CPU on bench_web's
        # 10k-article store) and sorted all stories by recency (~8 ms). A
        # (outlet, story) table answers the outlet counts and the outlet filter
        # from an index, and an expression index on the list's order lets
        # `LIMIT 20` read 20 rows. Triggers keep the table in step with
        # `stories` whatever writes it (the pipeline, Spark's import, a
        # repair), so no writer has to know it exists.
        """
        CREATE TABLE story_outlets (
            outlet TEXT NOT NULL,
            story_id TEXT NOT NULL,
            PRIMARY KEY (outlet, story_id)
        ) WITHOUT ROWID;
        CREATE INDEX story_outlets_story ON story_outlets(story_id);
        INSERT OR IGNORE INTO story_outlets (outlet, story_id)
            SELECT j.value, s.id FROM stories s, json_each(s.outlets) j
            WHERE j.type = 'text' AND j.value != '';
        CREATE TRIGGER story_outlets_on_insert AFTER INSERT ON stories BEGIN
            INSERT OR IGNORE INTO story_outlets (outlet, story_id)
                SELECT value, new.id FROM json_each(new.outlets) WHERE type = 'text' AND value != '';
        END;
        CREATE TRIGGER story_outlets_on_update AFTER UPDATE OF id, outlets ON stories BEGIN
            DELETE FROM story_outlets WHERE story_id = old.id;
            INSERT OR IGNORE INTO story_outlets (outlet, story_id)
                SELECT value, new.id FROM json_each(new.outlets) WHERE type = 'text' AND value != '';
        END;
        CREATE TRIGGER story_outlets_on_delete AFTER DELETE ON stories BEGIN
            DELETE FROM story_outlets WHERE story_id = old.id;
        END;
        CREATE INDEX stories_recent ON stories (coalesce(last, first) DESC, n_articles DESC, id);
        """,
    ),
)

LATEST = MIGRATIONS[-1][0]
