"""Every error of the API as RFC 9457 problem+json, mapped in one place."""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from flask import Flask, Response, current_app, json, request
from werkzeug.exceptions import HTTPException, MethodNotAllowed

from betotrace_es.domain.exceptions import (
    ConflictError,
    DomainError,
    NotFoundError,
    PermissionDeniedError,
    StaleVersionError,
    TransitionRefusedError,
    ValidationError,
)

log = logging.getLogger(__name__)

PROBLEM = "application/problem+json"


class ApiError(Exception):
    """An error answer decided by the API layer itself."""

    def __init__(
        self,
        status: int,
        detail: str,
        *,
        errors: dict[str, list[str]] | None = None,
        headers: dict[str, str] | None = None,
        title: str | None = None,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.errors = errors
        self.headers = headers or {}
        self.title = title


def invalid(field: str, message: str) -> ApiError:
    """A 422 about one field."""
    return ApiError(422, f"{field}: {message}", errors={field: [message]})


def problem(
    status: int,
    detail: str,
    *,
    errors: dict[str, list[str]] | None = None,
    headers: dict[str, str] | None = None,
    title: str | None = None,
) -> Response:
    """A problem+json response."""
    phrase = HTTPStatus(status).phrase
    body: dict[str, Any] = {
        "type": f"https://betotrace.example/problems/{phrase.lower().replace(' ', '-')}",
        "title": title or phrase,
        "status": status,
        "detail": detail,
    }
    if errors is not None:
        body["errors"] = errors
    response = Response(json.dumps(body), status=status, mimetype=PROBLEM)
    response.headers.update(headers or {})
    return response


def _domain_status(error: DomainError) -> int:
    if isinstance(error, StaleVersionError):
        return 412
    if isinstance(error, ValidationError):
        return 422
    if isinstance(error, NotFoundError):
        return 404
    if isinstance(error, PermissionDeniedError):
        return 403
    if isinstance(error, TransitionRefusedError | ConflictError):
        return 409
    return 400


def domain_problem(error: DomainError) -> Response:
    """A refused command, said the way the domain said it."""
    status = _domain_status(error)
    if isinstance(error, ValidationError):
        return problem(422, error.message, errors=error.errors)
    return problem(status, error.message)


def _http_problem(error: HTTPException) -> Response:
    status = error.code or 500
    data = getattr(error, "data", None) or {}
    messages = data.get("messages")
    if status == 422 and isinstance(messages, dict):
        errors = _flatten(messages)
        detail = "; ".join(f"{name}: {' '.join(texts)}" for name, texts in errors.items())
        return problem(422, detail or "the request is not valid", errors=errors)
    headers: dict[str, str] = {}
    if isinstance(error, MethodNotAllowed) and error.valid_methods:
        headers["Allow"] = ", ".join(sorted(error.valid_methods))
    detail = error.description or HTTPStatus(status).phrase
    if status == 404 and request.path.startswith("/api"):
        detail = "no such resource"
    return problem(status, str(detail), headers=headers)


def _flatten(messages: dict[str, Any], prefix: str = "") -> dict[str, list[str]]:
    """webargs' {location: {field: [...]}} (nested for nested fields) as {"a.b": [...]}.

    Paths are spelled as the domain spells them: ``site.address.city``, ``products[0]``,
    ``phone_numbers[1].number``; an error about a whole value is named after the value
    (``site``, not ``site._schema``), and about the whole body ``body``.
    """
    flat: dict[str, list[str]] = {}
    for key, value in messages.items():
        if key in ("json", "query", "headers", "form", "files") and not prefix:
            flat.update(_flatten(value) if isinstance(value, dict) else {key: [str(value)]})
            continue
        name = _path(prefix, key)
        if isinstance(value, dict):
            for inner, texts in _flatten(value, name).items():
                flat.setdefault(inner, []).extend(texts)
        elif isinstance(value, list):
            flat.setdefault(name, []).extend(str(v) for v in value)
        else:
            flat.setdefault(name, []).append(str(value))
    return flat


def _path(prefix: str, key: Any) -> str:
    if isinstance(key, int) or (isinstance(key, str) and key.isdigit()):
        return f"{prefix}[{key}]" if prefix else str(key)
    if key == "_schema":
        return prefix or "body"
    return f"{prefix}.{key}" if prefix else str(key)


def register_error_handlers(app: Flask) -> None:
    """Domain errors, API errors, HTTP errors and anything unexpected: all problem+json."""

    @app.errorhandler(ApiError)
    def api_error(error: ApiError) -> Response:
        return problem(
            error.status,
            error.detail,
            errors=error.errors,
            headers=error.headers,
            title=error.title,
        )

    @app.errorhandler(DomainError)
    def domain_error(error: DomainError) -> Response:
        return domain_problem(error)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Response:
        return _http_problem(error)

    @app.errorhandler(Exception)
    def unexpected(_error: Exception) -> Response:
        current_app.logger.exception("unexpected error on %s %s", request.method, request.path)
        return problem(500, "something went wrong on our side; it has been logged")
