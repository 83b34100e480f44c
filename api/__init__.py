"""The Betotrace HTTP API: a thin Flask layer over the application and the read models."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask, Response, request

from api.auth import authenticate
from api.errors import ApiError, register_error_handlers
from api.http import EXTENSION, PUBLIC, with_command_position
from api.openapi import OPENAPI_CONFIG, BetotraceApi, docs_blueprint
from api.services import Services, open_services
from betotrace_es.application.base import last_position

JSON_TYPES = ("application/json", "application/merge-patch+json")
# The API's own documentation answers everyone.
PUBLIC_ENDPOINTS = frozenset({"api-docs.openapi_json", "docs.page", "docs.asset"})


def create_app(
    config: Mapping[str, Any] | None = None, *, services: Services | None = None
) -> Flask:
    """The WSGI application; opens the configured store unless ``services`` are given."""
    app = Flask(__name__)
    app.config.from_mapping(OPENAPI_CONFIG)
    app.config.from_mapping(config or {})
    app.config.from_prefixed_env("BETOTRACE_FLASK")
    found = services or open_services()
    app.config["SECRET_KEY"] = found.settings.secret_key
    app.config["MAX_CONTENT_LENGTH"] = found.settings.max_body_bytes
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.extensions[EXTENSION] = found
    api = BetotraceApi(app)
    from api.routes import blueprints

    for blueprint in blueprints():
        api.register_blueprint(blueprint)
    app.register_blueprint(docs_blueprint())
    register_error_handlers(app)
    from api.web import init_web

    init_web(app)  # the browser UI, after the API's error handlers
    app.before_request(_guard)
    app.after_request(_position_of_the_command)
    return app


COMMAND_METHODS = frozenset({"POST", "PATCH", "PUT", "DELETE"})


def _position_of_the_command(response: Response) -> Response:
    """Every command under /api that recorded events answers their log position as X-Position
    (for a later read's X-Min-Position)."""
    if request.method in COMMAND_METHODS and request.path.startswith("/api"):
        return with_command_position(response)
    return response


def _guard() -> None:
    """Before any /api handler: who is calling, then content type and unknown query parameters."""
    if not request.path.startswith("/api") or request.endpoint is None:
        return
    last_position.set(0)  # this thread's previous request recorded it
    if request.endpoint in PUBLIC_ENDPOINTS:
        return
    view = request.url_rule.endpoint if request.url_rule else None
    handler = _view_function(view)
    if handler is None:
        return
    if not getattr(handler, PUBLIC, False):
        from flask import g

        from api.http import services

        # Who is calling comes first: an anonymous request learns nothing from its body.
        g.principal = authenticate(services())
    _check_content_type()
    _check_query(handler)


def _view_function(endpoint: str | None) -> Any:
    from flask import current_app

    return None if endpoint is None else current_app.view_functions.get(endpoint)


def _check_content_type() -> None:
    if request.method not in ("POST", "PATCH", "PUT"):
        return
    if not request.get_data(cache=True):
        return
    if request.mimetype not in JSON_TYPES:
        raise ApiError(415, "send the body as application/json")


def _check_query(handler: Any) -> None:
    if not request.args:
        return
    repeated = sorted(name for name, values in request.args.lists() if len(values) > 1)
    if repeated:  # a schema would keep one of them silently
        message = "given more than once; send several values comma-separated (a,b)"
        raise ApiError(
            422,
            f"{', '.join(repeated)}: {message}",
            errors={name: [message] for name in repeated},
        )
    parameters = getattr(handler, "_apidoc", {}).get("arguments", {}).get("parameters", [])
    if any(p.get("in") == "query" for p in parameters):
        return  # its schema refuses what it does not know
    unknown = sorted(request.args)
    raise ApiError(
        422,
        "unknown query parameters: " + ", ".join(unknown),
        errors={name: ["unknown query parameter"] for name in unknown},
    )
