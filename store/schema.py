"""The SQLite schema of `passages.sqlite`.

Conventions: `id` columns are global row ids, numbered 1, 2, ... (row `id - 1` of the vector and
column files); `idx` columns and `first_sentence`/`last_sentence` are positions within the thesis,
as in `store.records`; `*_id` columns refer to other tables' `id`. Offsets (`start`, `end`,
`content_start`) index `theses.text`. `theses.derived` is a JSON list of the bibliographic fields
the build read off the thesis text (`store.records.Suggestion` as objects: field, value, evidence,
source); the catalog's own values are the other `theses` columns.
"""

SCHEMA = """
CREATE TABLE theses (
    id INTEGER PRIMARY KEY, doc TEXT NOT NULL UNIQUE, content_hash TEXT NOT NULL,
    text TEXT NOT NULL, title TEXT NOT NULL, authors TEXT NOT NULL, year INTEGER,
    institution TEXT NOT NULL, degree TEXT NOT NULL, language TEXT NOT NULL,
    n_pages INTEGER NOT NULL, masked INTEGER NOT NULL,
    source_map TEXT NOT NULL, warnings TEXT NOT NULL,
    topic TEXT NOT NULL, derived TEXT NOT NULL
);
CREATE TABLE pages (
    thesis_id INTEGER NOT NULL REFERENCES theses(id), start INTEGER NOT NULL,
    physical INTEGER NOT NULL, number INTEGER NOT NULL, label TEXT NOT NULL,
    PRIMARY KEY (thesis_id, physical)
);
CREATE TABLE sections (
    id INTEGER PRIMARY KEY, thesis_id INTEGER NOT NULL REFERENCES theses(id),
    idx INTEGER NOT NULL, number TEXT NOT NULL, title TEXT NOT NULL, level INTEGER NOT NULL,
    parent_id INTEGER REFERENCES sections(id), part TEXT NOT NULL,
    start INTEGER NOT NULL, content_start INTEGER NOT NULL, end INTEGER NOT NULL
);
CREATE TABLE passages (
    id INTEGER PRIMARY KEY, thesis_id INTEGER NOT NULL REFERENCES theses(id),
    idx INTEGER NOT NULL, section_id INTEGER NOT NULL REFERENCES sections(id),
    part TEXT NOT NULL, start INTEGER NOT NULL, end INTEGER NOT NULL, text TEXT NOT NULL,
    page_start INTEGER NOT NULL, page_end INTEGER NOT NULL, language TEXT NOT NULL,
    first_sentence INTEGER NOT NULL, last_sentence INTEGER NOT NULL, n_tokens INTEGER NOT NULL
);
CREATE TABLE sentences (
    id INTEGER PRIMARY KEY, thesis_id INTEGER NOT NULL REFERENCES theses(id),
    idx INTEGER NOT NULL, section_id INTEGER NOT NULL REFERENCES sections(id),
    passage_id INTEGER REFERENCES passages(id),
    start INTEGER NOT NULL, end INTEGER NOT NULL, text TEXT NOT NULL, page INTEGER NOT NULL
);
CREATE INDEX sections_thesis ON sections (thesis_id, idx);
CREATE INDEX passages_thesis ON passages (thesis_id, idx);
CREATE INDEX sentences_thesis ON sentences (thesis_id, idx);
CREATE INDEX sentences_passage ON sentences (passage_id);
"""
