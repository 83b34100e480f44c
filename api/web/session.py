"""Browser sessions over the existing users: Flask-Login, the API's login rule, CSRF."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast
from uuid import UUID

from flask import Flask, abort, request
from flask_login import LoginManager, UserMixin, current_user, login_required
from flask_wtf.csrf import CSRFProtect

from api.auth import Principal, principal_of
from api.http import services
from api.web.blueprint import bp
from api.web.i18n import gettext, n_

F = TypeVar("F", bound=Callable[..., Any])
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
CSRF = "betotrace.web.csrf"


class WebUser(UserMixin):  # type: ignore[misc]
    """The signed-in user of a browser session: the same principal the API uses."""

    def __init__(self, principal: Principal) -> None:
        self.principal = principal

    def get_id(self) -> str:
        """What the session cookie keeps: user and company."""
        return f"{self.principal.user.id}:{self.principal.company.id}"

    @property
    def initials(self) -> str:
        """One or two letters for the avatar circle."""
        profile = self.principal.user.profile
        letters = (profile.first_name[:1] + profile.last_name[:1]).upper()
        return letters or self.principal.user.email[:1].upper()


def load_user(ident: str) -> WebUser | None:
    """The session's user while they are an active member of their company; else signed out."""
    user_id, _, company_id = ident.partition(":")
    try:
        found = principal_of(services(), UUID(user_id), UUID(company_id))
    except ValueError:
        return None
    return None if found is None else WebUser(found)


def signed_in(view: F) -> F:
    """Flask-Login's ``login_required``, typed: anonymous visitors go to the login page."""
    return cast("F", login_required(view))


def principal() -> Principal:
    """The signed-in user (views behind ``login_required`` only)."""
    if not current_user.is_authenticated:
        abort(401)
    user: WebUser = current_user._get_current_object()
    return user.principal


def init_sessions(app: Flask) -> None:
    """Flask-Login and CSRF protection of the web's forms (the bearer-token API is exempt)."""
    app.config.setdefault("SESSION_COOKIE_SAMESITE", "Lax")
    app.config.setdefault("SESSION_COOKIE_HTTPONLY", True)
    app.config.setdefault(
        "SESSION_COOKIE_SECURE", app.extensions["betotrace"].settings.base_url.startswith("https")
    )
    # Checked by the web blueprint for each of its forms, never app-wide: the API keeps its own
    # 404/405/415 answers and its bearer tokens are not cookies a browser sends by itself.
    app.config["WTF_CSRF_CHECK_DEFAULT"] = False
    app.extensions[CSRF] = CSRFProtect(app)
    manager = LoginManager(app)
    manager.login_view = "web.login"
    manager.login_message = n_("Please log in to see this page.")
    manager.login_message_category = "info"
    manager.localize_callback = gettext
    manager.user_loader(load_user)


@bp.before_request
def protect_form() -> None:
    """Refuse a form without this session's CSRF token (before every web request)."""
    from flask import current_app

    if request.method not in SAFE_METHODS:
        current_app.extensions[CSRF].protect()
