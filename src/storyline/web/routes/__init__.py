"""One router per resource: stories, articles, search, static files, the API docs page."""
