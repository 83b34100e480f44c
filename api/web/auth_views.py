"""Logging in and out, accepting an invitation, choosing the language."""

from __future__ import annotations

from flask import flash, redirect, request, session, url_for
from flask_login import current_user, login_user, logout_user
from werkzeug.wrappers import Response

from api.auth import check_login, invited_user, principal_of
from api.errors import ApiError
from api.http import services
from api.web.blueprint import bp
from api.web.forms import safe_next, text
from api.web.i18n import gettext, render
from api.web.session import WebUser, signed_in
from betotrace_es.domain.exceptions import DomainError, ValidationError
from betotrace_es.domain.people import User
from betotrace_es.domain.values import LANGUAGES
from betotrace_es.passwords import hash_password


def _start_session(user: WebUser) -> None:
    chosen = session.get("lang")
    session.clear()  # a new session for a new login: nothing carried over but the language
    if chosen:
        session["lang"] = chosen
    login_user(user)


@bp.route("/login", methods=["GET", "POST"])
def login() -> Response | tuple[str, int]:
    """The login form; wrong credentials and throttling as the API's token endpoint."""
    if current_user.is_authenticated:
        return redirect(url_for("web.orders"))
    if request.method == "GET":
        return render("login.html", email="", error=None), 200
    email = text("email")
    try:
        found = check_login(
            services(), email, request.form.get("password", ""), request.remote_addr or "unknown"
        )
    except ApiError as error:
        return render("login.html", email=email, error=_login_error(error)), error.status
    _start_session(WebUser(found))
    return redirect(safe_next(url_for("web.orders")))


def _login_error(error: ApiError) -> str:
    if error.status == 429:
        seconds = error.headers.get("Retry-After", "60")
        return gettext("Too many failed logins. Try again in %(seconds)s seconds.", seconds=seconds)
    return gettext("Wrong e-mail address or password.")


@bp.route("/logout", methods=["POST"])
@signed_in
def logout() -> Response:
    """End the session."""
    logout_user()
    flash(gettext("You are logged out."), "info")
    return redirect(url_for("web.login"))


@bp.route("/language", methods=["POST"])
def choose_language() -> Response:
    """Switch the UI's language for this session."""
    chosen = text("lang")
    if chosen in LANGUAGES:
        session["lang"] = chosen
    return redirect(safe_next(url_for("web.orders")))


@bp.route("/invitations/<string:token>", methods=["GET", "POST"])
def accept_invitation(token: str) -> Response | tuple[str, int]:
    """Set a name and a password from an invitation link; then signed in."""
    found = services()
    try:
        user_id = invited_user(found, token)
    except ApiError:
        message = gettext(
            "This invitation link is not valid or has expired. Ask your admin for a new one."
        )
        return render("error.html", title=gettext("Invitation"), message=message), 404
    user = found.app.load(User, user_id, "invitation")
    if found.app.get_company(user.company_id).member(user_id).joined:
        message = gettext("This invitation was already used. Log in with your e-mail address.")
        return render("error.html", title=gettext("Invitation"), message=message), 410
    values = {"first_name": text("first_name"), "last_name": text("last_name")}
    if request.method == "GET":
        return render("invitation.html", email=user.email, values=values, errors={}), 200
    try:
        user = _accept(user_id, values)
    except DomainError as error:
        errors = error.errors if isinstance(error, ValidationError) else {"": [error.message]}
        return render("invitation.html", email=user.email, values=values, errors=errors), 422
    principal = principal_of(found, user.id, user.company_id)
    if principal is not None:
        _start_session(WebUser(principal))
    flash(gettext("Welcome to Betotrace."), "info")
    return redirect(url_for("web.orders"))


def _accept(user_id: object, values: dict[str, str]) -> User:
    password = request.form.get("password", "")
    if password != request.form.get("password_again", ""):
        raise ValidationError.single("password_again", gettext("The two passwords differ."))
    return (
        services()
        .app.accept_invitation(
            user_id,  # type: ignore[arg-type]
            first_name=values["first_name"],
            last_name=values["last_name"],
            password_hash=hash_password(password),
        )
        .aggregate
    )
