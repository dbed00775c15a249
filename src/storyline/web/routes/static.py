"""Static files, served from package data by exact name only.

``create_app`` reads the few files in ``storyline/web/static`` into memory once
(``load_static``); a request names one of them or gets a 404. No part of a
request path is ever joined to a file-system path, so ``..``, encoded slashes or
absolute paths cannot reach a file.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from importlib import resources
from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import Response

from storyline.web.repo import NotFound

router = APIRouter(include_in_schema=False)

_TYPES = {".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8",
          ".svg": "image/svg+xml", ".png": "image/png", ".ico": "image/x-icon"}


@dataclass(frozen=True, slots=True)
class StaticFile:
    body: bytes
    media_type: str
    etag: str


def load_static() -> dict[str, StaticFile]:
    """Every file of the package's ``web/static`` folder, by name."""
    files: dict[str, StaticFile] = {}
    for entry in (resources.files("storyline.web") / "static").iterdir():
        suffix = "." + entry.name.rsplit(".", 1)[-1] if "." in entry.name else ""
        if not entry.is_file() or suffix not in _TYPES:
            continue
        body = entry.read_bytes()
        files[entry.name] = StaticFile(body, _TYPES[suffix], hashlib.sha1(body).hexdigest()[:12])
    return files


Name = Annotated[str, Path(max_length=100)]


@router.get("/static/{name}")
async def static_file(name: Name, request: Request) -> Response:
    files: dict[str, StaticFile] = request.app.state.static
    f = files.get(name)
    if f is None:
        raise NotFound("static file", name)
    headers = {"ETag": f'"{f.etag}"', "Cache-Control": "public, max-age=86400"}
    if request.headers.get("if-none-match") == f'"{f.etag}"':
        return Response(status_code=304, headers=headers)
    return Response(f.body, media_type=f.media_type, headers=headers)


@router.get("/favicon.ico")
async def favicon(request: Request) -> Response:
    return await static_file("favicon.svg", request)
