"""storyline's web app and JSON API: ``create_app(settings)`` over a read-only store."""

from storyline.web.app import create_app

__all__ = ["create_app"]
