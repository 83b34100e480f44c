"""HTML error pages for the web UI; the API keeps answering problem+json."""

from __future__ import annotations

from collections.abc import Callable
from http import HTTPStatus

from flask import Flask, current_app, request
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from api.web.blueprint import bp
from api.web.domain_messages import translated
from api.web.i18n import gettext, render
from betotrace_es.domain.exceptions import DomainError, NotFoundError, PermissionDeniedError


def _page(status: int, message: str) -> tuple[str, int]:
    title = {
        404: gettext("Not found"),
        403: gettext("Not allowed"),
        400: gettext("Something is wrong with this request"),
        500: gettext("Something went wrong"),
    }.get(status, HTTPStatus(status).phrase)
    return render("error.html", title=title, message=message), status


def _http_page(error: HTTPException) -> tuple[str, int] | Response:
    status = error.code or 500
    if status == 404:
        return _page(404, gettext("This page does not exist, or it is not one of yours."))
    if status == 400 and "CSRF" in str(error.description):
        return _page(400, gettext("The form has expired. Go back, reload the page and try again."))
    return _page(status, gettext("Your request could not be handled."))


@bp.errorhandler(NotFoundError)
def not_found(_error: NotFoundError) -> tuple[str, int]:
    """Another company's order, or none: the same 404 as the API."""
    return _page(404, gettext("This page does not exist, or it is not one of yours."))


@bp.errorhandler(PermissionDeniedError)
def not_allowed(error: PermissionDeniedError) -> tuple[str, int]:
    """A role or party that may not do this."""
    return _page(403, translated(error.message))


@bp.errorhandler(DomainError)
def refused(error: DomainError) -> tuple[str, int]:
    """Any other refusal, in the domain's words."""
    return _page(409, translated(error.message))


@bp.errorhandler(HTTPException)
def http_error(error: HTTPException) -> tuple[str, int] | Response:
    """An HTTP error of a web page."""
    return _http_page(error)


@bp.errorhandler(Exception)
def unexpected(_error: Exception) -> tuple[str, int]:
    """A bug: logged, and said plainly."""
    current_app.logger.exception("unexpected error on %s %s", request.method, request.path)
    return _page(500, gettext("Something went wrong on our side; it has been logged."))


def init_errors(app: Flask) -> None:
    """Outside /api, unknown addresses get an HTML page instead of problem+json."""
    api_handler: Callable[[HTTPException], ResponseReturnValue] = app.error_handler_spec[None][
        None
    ][HTTPException]  # type: ignore[assignment]

    @app.errorhandler(HTTPException)
    def any_http_error(error: HTTPException) -> ResponseReturnValue:
        if request.path == "/api" or request.path.startswith("/api/"):
            return api_handler(error)
        return _http_page(error)
