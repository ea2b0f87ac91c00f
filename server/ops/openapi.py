"""The OpenAPI document: bearer scheme and, on every operation, the errors it can answer."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute, _IncludedRouter

from server.auth.deps import optional_principal
from server.core.schemas import ErrorResponse

ERROR_REF = {"$ref": "#/components/schemas/ErrorResponse"}
DESCRIPTIONS = {
    400: "Unparsable or badly encoded body, NUL characters, bad Authorization header",
    401: "No token, or a token that is invalid, expired or revoked",
    403: "The caller's role or hall may not do this",
    404: "The hall, item or path does not exist (or is not the caller's)",
    409: "The change conflicts with the current state",
    413: "Request body over the size limit",
    422: "A field or parameter is invalid",
    429: "Too many attempts or requests; try again later",
    503: "Database or shared store unreachable; retry (Retry-After)",
    507: "The server's disk is (nearly) full: nothing was stored; try again later",
}
WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


def install_openapi(app: FastAPI) -> None:
    """Replace app.openapi with the enriched document (built once, then cached)."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            spec = get_openapi(title=app.title, version=app.version,
                               description=app.description, routes=app.routes)
            enrich(spec, app.routes)
            app.openapi_schema = spec
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def enrich(spec: dict[str, Any], routes: list[Any]) -> None:
    """Add the bearer scheme, the error schema and each operation's error responses."""
    components = spec.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    for unused in ("HTTPValidationError", "ValidationError"):  # FastAPI's 422 body, not ours
        schemas.pop(unused, None)
    error = ErrorResponse.model_json_schema(ref_template="#/components/schemas/{model}")
    schemas.update(error.pop("$defs"))  # ErrorBody, ErrorDetail: one shared definition each
    schemas["ErrorResponse"] = error
    components["securitySchemes"] = {"bearer": {
        "type": "http", "scheme": "bearer",
        "description": "Staff token (POST /api/v1/auth/login), device token "
                       "(create-device / POST /api/v1/devices) or citizen token"}}
    for route, method, op in _operations(spec, routes):
        authenticated = _uses(route.dependant, optional_principal)
        if authenticated:
            op["parameters"] = [p for p in op.get("parameters", [])
                                if not (p["in"] == "header" and p["name"] == "authorization")]
            if not op["parameters"]:
                del op["parameters"]
            op["security"] = [{"bearer": []}]
        responses = op.setdefault("responses", {})
        for status in sorted(error_statuses(route, method, authenticated)
                             | {int(s) for s in responses if s[0] in "45"}):
            declared = responses.get(str(status), {})
            if _own_body(declared):
                continue  # the route documents another body for this status (e.g. /readyz)
            responses[str(status)] = {
                "description": declared.get("description") or DESCRIPTIONS.get(status, "Error"),
                "content": {"application/json": {"schema": ERROR_REF}},
            }
        op["responses"] = dict(sorted(responses.items()))


def error_statuses(route: Any, method: str, authenticated: bool) -> set[int]:
    """The error statuses a route can answer, from what it takes and who may call it."""
    d = route.dependant
    params = _flat(d, lambda x: [*x.path_params, *x.query_params, *x.header_params,
                                 *x.body_params])
    statuses = {400, 503}  # any request: bad encoding or NUL; database down
    if authenticated:
        statuses |= {401, 403}
    if d.path_params or _flat(d, lambda x: x.query_params):
        statuses.add(404)  # halls, items and windows are looked up by what the path/query names
    if method in WRITE_METHODS:
        statuses.add(409)
    if _flat(d, lambda x: x.body_params):
        statuses.add(413)
    if params:
        statuses.add(422)
    return statuses


def _operations(spec: dict[str, Any], routes: list[Any]
                ) -> Iterator[tuple[Any, str, dict[str, Any]]]:
    for route in _api_routes(routes):
        if not route.include_in_schema:
            continue
        for method in sorted(route.methods):
            op = spec["paths"].get(route.path_format, {}).get(method.lower())
            if op is not None:
                yield route, method, op


def _api_routes(routes: list[Any]) -> Iterator[Any]:
    """Every API route (FastAPI 0.16x wraps included routers; their contexts look alike)."""
    for route in routes:
        if isinstance(route, _IncludedRouter):
            yield from (ctx for ctx in route.effective_route_contexts()
                        if isinstance(ctx.original_route, APIRoute))
        elif isinstance(route, APIRoute):
            yield route


def _own_body(response: dict[str, Any]) -> bool:
    """A response the route declared with its own example or schema (not FastAPI's 422)."""
    body = response.get("content", {}).get("application/json", {})
    return bool(body) and "HTTPValidationError" not in str(body.get("schema", ""))


def _flat(d: Dependant, pick: Callable[[Dependant], list[Any]]) -> list[Any]:
    """`pick` over a dependant and all its sub-dependencies."""
    out = list(pick(d))
    for sub in d.dependencies:
        out += _flat(sub, pick)
    return out


def _uses(d: Dependant, call: Callable[..., Any]) -> bool:
    return d.call is call or any(_uses(sub, call) for sub in d.dependencies)
