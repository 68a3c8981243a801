"""The ASGI entry point for uvicorn: ``uvicorn civic.asgi:app`` (settings from the environment)."""

from civic.app import create_app

app = create_app()
