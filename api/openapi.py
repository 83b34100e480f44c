"""OpenAPI 3 from the schemas, problem+json for every error, Swagger UI from local assets."""

from __future__ import annotations

import http
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import flask_swagger_ui
from flask import Blueprint as FlaskBlueprint
from flask import Request, Response, abort, render_template_string, send_from_directory
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
    """flask-smorest's Api with every error documented as problem+json.

    No catch-all ``default`` response: each operation lists the statuses it can answer, so a
    client (and schemathesis) can rely on them.
    """

    ERROR_SCHEMA = Problem
    DEFAULT_ERROR_RESPONSE_NAME = None

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

    def _raw_load_json(self, req: Request) -> Any:
        try:
            return super()._raw_load_json(req)
        except RecursionError:  # nested deeper than the decoder goes: a bad body, not a crash
            return self._handle_invalid_json_error()

    def _handle_invalid_json_error(self, *_: Any, **__: Any) -> Any:
        abort(400, description="the body is not valid JSON")


# The request headers of the contract (api.md "Concurrency and retries"), and what a bad one costs.
HEADERS: dict[str, tuple[dict[str, Any], tuple[int, ...]]] = {
    "Idempotency-Key": (
        {
            "description": "Executes the POST once; a retry with the same key and body gets the "
            "first answer. 409 while the first is still running, 422 for another body.",
            "schema": {"type": "string", "pattern": "^[\\x21-\\x7e]{1,200}$"},
        },
        (409, 422),
    ),
    "If-Match": (
        {
            "description": "The version (ETag) the command was decided on; 412 if it moved on.",
            "schema": {"type": "string", "pattern": '^(\\*|(W/)?"?[0-9]{1,18}"?)$'},
        },
        (412, 422),
    ),
    "X-Min-Position": (
        {
            "description": "An X-Position a command answered: waits (bounded) until the lists "
            "show it. 422 for a position no command answered.",
            "schema": {"type": "string", "pattern": "^[0-9]{1,18}$"},
        },
        (422,),
    ),
}
HEADERS_KEY = "betotrace_headers"


def document_header(func: F, name: str) -> F:
    """Note on a view that it honours the request header ``name`` (see ``HEADERS``)."""
    apidoc: dict[str, Any] = func.__dict__.setdefault("_apidoc", {})
    apidoc.setdefault(HEADERS_KEY, []).append(name)
    return func


class ApiBlueprint(Blueprint):  # type: ignore[misc]
    """A resource's blueprint, with shorthands for the errors and headers of an endpoint."""

    ARGUMENTS_PARSER = StrictParser()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._prepare_doc_cbks.extend((self._prepare_body_doc, self._prepare_headers_doc))

    @staticmethod
    def _prepare_body_doc(
        doc: dict[str, Any], _doc_info: dict[str, Any], *, method: str, **_: Any
    ) -> Any:
        """What ``create_app``'s guard answers: 422 for unknown query parameters; for a body
        over the size limit 413, of another type than JSON 415, that is not JSON 400."""
        codes = [422]
        if method in ("post", "patch", "put"):
            codes += [413, 415]
        if "requestBody" in doc:
            codes.append(400)
        for code in codes:
            doc.setdefault("responses", {}).setdefault(code, http.HTTPStatus(code).name)
        return doc

    @staticmethod
    def _prepare_headers_doc(doc: dict[str, Any], doc_info: dict[str, Any], **_: Any) -> Any:
        """Header parameters, and the error statuses a bad header value answers."""
        names = doc_info.get(HEADERS_KEY, [])
        parameters = doc.setdefault("parameters", []) if names else []
        for name in dict.fromkeys(names):
            parameter, codes = HEADERS[name]
            parameters.append({"in": "header", "name": name, "required": False, **parameter})
            for code in codes:
                doc.setdefault("responses", {}).setdefault(code, http.HTTPStatus(code).name)
        return doc

    def honours(self, *names: str) -> Callable[[F], F]:
        """Document that the endpoint reads these request headers (see ``HEADERS``)."""

        def decorate(func: F) -> F:
            for name in names:
                func = document_header(func, name)
            return func

        return decorate

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
