"""The API's documentation page, rendered on the server from the OpenAPI description.

FastAPI's own ``/docs`` and ``/redoc`` load Swagger UI and ReDoc from a CDN;
storyline serves nothing from elsewhere (and its Content-Security-Policy would
block it), so they are switched off and ``/api`` lists the operations, their
parameters and their meaning instead. ``/openapi.json`` stays for tools.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from storyline.web.deps import PagesDep

router = APIRouter(include_in_schema=False)


@router.get("/api", response_class=HTMLResponse)
async def api_docs(request: Request, ui: PagesDep) -> HTMLResponse:
    spec = request.app.openapi()
    return ui.render(request, "api.html", version=spec.get("openapi", "3"), operations=operations(spec))


def _type_of(schema: dict[str, Any]) -> str:
    if "type" in schema:
        return str(schema["type"]) + (f" ({schema['format']})" if "format" in schema else "")
    options = [_type_of(s) for s in schema.get("anyOf", []) if s.get("type") != "null"]
    return " or ".join(options) or "any"


def operations(spec: dict[str, Any]) -> list[dict[str, Any]]:
    """The spec's operations as rows for the page: method, path, summary, parameters."""
    out = []
    for path, ops in spec.get("paths", {}).items():
        for method, op in ops.items():
            params = [{
                "name": p.get("name", ""), "in": p.get("in", ""), "required": bool(p.get("required")),
                "type": _type_of(p.get("schema", {})),
                "description": p.get("description") or p.get("schema", {}).get("description", ""),
            } for p in op.get("parameters", [])]
            out.append({"method": method.upper(), "path": path, "summary": op.get("summary", ""),
                        "description": op.get("description", ""), "params": params})
    return out
