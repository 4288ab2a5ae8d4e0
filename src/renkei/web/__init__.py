"""The public portal: a FastAPI application over the store (pages, JSON API and CSV downloads)."""

from renkei.web.app import create_app

__all__ = ["create_app"]
