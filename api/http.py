"""What every route handler shares: the services, versions, positions, idempotency."""

from __future__ import annotations

import hashlib
import json
import re
import time
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from flask import Response, current_app, make_response, request
from werkzeug.exceptions import HTTPException

from api.auth import current
from api.errors import ApiError, domain_problem, invalid, problem
from api.openapi import document_header
from api.services import Services
from betotrace_es.application.base import last_position
from betotrace_es.domain.exceptions import DomainError

F = TypeVar("F", bound=Callable[..., Any])
EXTENSION = "betotrace"
_KEY = re.compile(r"^[\x21-\x7e]{1,200}$")
_VERSION = re.compile(r'^(?:W/)?"?(\d{1,18})"?$')
REPLAY_WAIT_SECONDS = 10.0
PUBLIC = "__public_endpoint__"


def public(view: F) -> F:
    """Mark a handler as answering without authentication."""
    setattr(view, PUBLIC, True)
    return view


def services() -> Services:
    """The process' services (set up by ``create_app``)."""
    return cast("Services", current_app.extensions[EXTENSION])


def expected_version() -> int | None:
    """The version named by ``If-Match``, if any."""
    header = request.headers.get("If-Match")
    if header is None or header.strip() == "*":
        return None
    match = _VERSION.match(header.strip())
    if match is None:
        raise ApiError(
            422,
            "If-Match must be the version the resource had (its ETag)",
            errors={"If-Match": ["must be a version number such as 3"]},
        )
    return int(match.group(1))


def min_position() -> None:
    """Wait (bounded) until the read models processed ``X-Min-Position``."""
    header = request.headers.get("X-Min-Position")
    if header is None:
        return
    if not header.strip().isdigit() or len(header.strip()) > 18:
        raise invalid("X-Min-Position", "must be a position returned as X-Position")
    found, position = services(), int(header)
    # No command answered a position beyond the log: refuse it rather than wait in vain.
    if position > (found.app.recorder.max_notification_id() or 0):
        raise invalid("X-Min-Position", "no command answered this position")
    found.read.wait_until(position, found.settings.min_position_timeout)


def with_version(response: Response, version: int, position: int | None = None) -> Response:
    """ETag of the version, and X-Position of the command's last event."""
    response.set_etag(str(version))
    if position:
        response.headers["X-Position"] = str(position)
    return response


def with_command_position(response: Response) -> Response:
    """X-Position of what this request recorded, unless the answer already carries it (every
    command answers it, whichever resource it changed; nothing recorded, no header)."""
    if response.status_code < 400 and "X-Position" not in response.headers:
        position = last_position.get()
        if position:
            response.headers["X-Position"] = str(position)
    return response


# -- idempotency ----------------------------------------------------------------------------------


def idempotent(view: F) -> F:
    """Run a POST once per ``Idempotency-Key``; retries get the first answer, recording nothing."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        key = request.headers.get("Idempotency-Key")
        if key is None:
            return view(*args, **kwargs)
        if not _KEY.match(key):
            raise invalid("Idempotency-Key", "must be 1 to 200 visible ASCII characters")
        state = services().state
        scope = f"{current().user.id}:{request.method}:{request.path}:{key}"
        fingerprint = hashlib.sha256(request.get_data()).hexdigest()
        first = state.reserve(scope, fingerprint)
        if first is not None:
            return _replay(scope, fingerprint)
        try:
            response = with_command_position(_answer(view, args, kwargs))  # kept for retries
        except BaseException:
            state.release(scope)
            raise
        if response.status_code >= 500:
            state.release(scope)
            return response
        headers = {
            k: v
            for k, v in response.headers.items()
            if k in ("Content-Type", "Location", "ETag", "X-Position")
        }
        state.complete(
            scope, response.status_code, response.get_data(as_text=True), json.dumps(headers)
        )
        return response

    return cast("F", document_header(wrapper, "Idempotency-Key"))


def _answer(view: Callable[..., Any], args: Any, kwargs: Any) -> Response:
    try:
        return make_response(view(*args, **kwargs))
    except DomainError as error:
        return domain_problem(error)
    except ApiError as error:
        return problem(error.status, error.detail, errors=error.errors, headers=error.headers)
    except HTTPException as error:
        handler = current_app.handle_http_exception(error)
        return make_response(handler)


def _replay(scope: str, fingerprint: str) -> Response:
    state = services().state
    deadline = time.monotonic() + REPLAY_WAIT_SECONDS
    while True:
        stored = state.stored(scope)
        if stored is None:  # the first attempt failed without an answer and was forgotten
            raise ApiError(409, "the first request with this Idempotency-Key failed; retry it")
        if stored.fingerprint != fingerprint:
            raise invalid("Idempotency-Key", "was already used for a request with another body")
        if stored.status is not None:
            break
        if time.monotonic() > deadline:
            raise ApiError(
                409,
                "a request with this Idempotency-Key is still being processed; "
                "look at the resource before trying with a new key",
            )
        time.sleep(0.05)
    response = Response(stored.body, status=stored.status)
    response.headers.update(json.loads(stored.headers or "{}"))
    response.headers["Idempotent-Replayed"] = "true"
    return response
