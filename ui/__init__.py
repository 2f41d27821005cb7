"""The Streamlit front end's building blocks; `app.py` puts them on the page.

* `strings` — every text the interface shows, in Norwegian bokmål and English;
* `loader`  — where the index is and the one shared `qa.engine.Engine` per server process;
* `corpus`  — read-only look-ups in the index for the page (corpus table, surrounding text);
* `render`  — HTML for the answer and the source cards, with all corpus and query text escaped;
* `export`  — the download payloads (JSON, CSV, BibTeX, RIS);
* `reasons` — why an upload was refused or not indexed, in the interface language.

Everything except `app.py` and `loader` is plain functions without Streamlit, so it can be
unit-tested directly.
"""
