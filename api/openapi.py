"""OpenAPI 3 from the schemas, problem+json for every error, Swagger UI from local assets."""

from __future__ import annotations

import http
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import flask_swagger_ui
from flask import Blueprint as FlaskBlueprint
from flask import Response, abort, render_template_string, send_from_directory
from flask_smorest import Api, Blueprint
from marshmallow import RAISE
from webargs.flaskparser import FlaskParser

from api.errors import PROBLEM
from api.schemas.common import Problem

F = TypeVar("F", bound=Callable[..., Any])
SWAGGER_ASSETS = Path(flask_swagger_ui.__file__).parent / "dist"

OPENAPI_CONFIG = {
    "API_TITLE": "Betotrace",
    "API_VERSION": "1",
    "OPENAPI_VERSION": "3.0.3",
    "OPENAPI_URL_PREFIX": "/api",
    "OPENAPI_JSON_PATH": "openapi.json",
    "API_SPEC_OPTIONS": {
        "info": {"description": "Ordering ready-mixed concrete between contractors and plants."},
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
        "security": [{"bearer": []}],
    },
}


class BetotraceApi(Api):  # type: ignore[misc]
    """flask-smorest's Api with every error documented as problem+json."""

    ERROR_SCHEMA = Problem

    def _register_responses(self) -> None:
        for status in http.HTTPStatus:
            response: dict[str, Any] = {"description": status.phrase}
            if status >= 400:
                response["content"] = {PROBLEM: {"schema": Problem}}
            self.spec.components.response(status.name, response, lazy=True)
        self.spec.components.response(
            "DEFAULT_ERROR",
            {"description": "An error", "content": {PROBLEM: {"schema": Problem}}},
            lazy=True,
        )


class StrictParser(FlaskParser):
    """Refuses unknown fields wherever they are (body and query), naming them."""

    DEFAULT_UNKNOWN_BY_LOCATION: dict[str, str | None] = dict.fromkeys(
        FlaskParser.DEFAULT_UNKNOWN_BY_LOCATION, RAISE
    )

    def _handle_invalid_json_error(self, *_: Any, **__: Any) -> Any:
        abort(400, description="the body is not valid JSON")


class ApiBlueprint(Blueprint):  # type: ignore[misc]
    """A resource's blueprint, with a shorthand for the errors an endpoint can answer."""

    ARGUMENTS_PARSER = StrictParser()

    def problems(self, *codes: int) -> Callable[[F], F]:
        """Document that the endpoint can answer these error statuses (problem+json)."""

        def decorate(func: F) -> F:
            for code in codes:
                func = self.alt_response(code, response=http.HTTPStatus(code).name)(func)
            return func

        return decorate


def docs_blueprint() -> FlaskBlueprint:
    """``/api/docs``: Swagger UI with its assets served from this server."""
    docs = FlaskBlueprint("docs", __name__)

    @docs.get("/api/docs")
    def page() -> str:
        return render_template_string(_PAGE)

    @docs.get("/api/docs/assets/<path:name>")
    def asset(name: str) -> Response:
        return send_from_directory(SWAGGER_ASSETS, name, max_age=3600)

    return docs


_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Betotrace API</title>
<link rel="stylesheet" href="{{ url_for('docs.asset', name='swagger-ui.css') }}">
<link rel="icon" href="{{ url_for('docs.asset', name='favicon-32x32.png') }}">
</head><body><div id="swagger-ui"></div>
<script src="{{ url_for('docs.asset', name='swagger-ui-bundle.js') }}"></script>
<script src="{{ url_for('docs.asset', name='swagger-ui-standalone-preset.js') }}"></script>
<script>
window.ui = SwaggerUIBundle({url: "{{ url_for('api-docs.openapi_json') }}", dom_id: "#swagger-ui",
  presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset], layout: "StandaloneLayout"});
</script></body></html>"""
