"""The HTTP API (`python -m qa serve`): FastAPI on uvicorn over one shared, hot-swapped engine.

    from qa.server import Settings, create_app
    app = create_app(Settings(index_dir=Path("index")))

Imports only the query side (`qa`), never the store or the indexer.
"""
from qa.server.app import create_app
from qa.server.settings import Settings

__all__ = ["Settings", "create_app"]
