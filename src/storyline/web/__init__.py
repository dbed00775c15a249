"""storyline's web app and JSON API: ``create_app(settings)`` over a read-only store."""

from storyline.web.app import WebOptions, create_app

__all__ = ["WebOptions", "create_app"]
