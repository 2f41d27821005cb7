"""Start the app with the engine already loaded: `python -m ui.serve [streamlit run options]`.

`streamlit run app.py` loads the model and the index on the first visit (seconds, behind a
spinner). This loads them first, in the server's own process (`qa.load` keeps one engine per
process, which the app then reuses), answers one question to warm the caches, prints one line
saying it is ready, and then runs `streamlit run app.py` with the given options. A missing or
broken index is not fatal here: the app explains it on the page.
"""
from __future__ import annotations

import sys
import time

from qa.answer import ask
from qa.errors import StoreError
from ui.loader import PROJECT_DIR, get_engine, index_dir

WARM_UP_QUESTION = "Hva er sosial støtte?"


def warm_up() -> str:
    """Load the engine for the configured index and answer one question; a one-line status."""
    began = time.perf_counter()
    folder = index_dir()
    try:
        engine = get_engine(folder)
        ask(engine, WARM_UP_QUESTION, 1)
    except StoreError as exc:
        return f"Tesesøk: the index in {folder} could not be loaded ({exc.__class__.__name__}); the page explains it."
    return f"Tesesøk: ready, the model and the index in {folder} loaded in {time.perf_counter() - began:.1f} s."


def main(argv: list[str]) -> None:
    print(warm_up(), flush=True)
    from streamlit.web import cli

    sys.argv = ["streamlit", "run", str(PROJECT_DIR / "app.py"), *argv]
    cli.main()


if __name__ == "__main__":
    main(sys.argv[1:])
