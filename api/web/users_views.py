"""Settings → Users: colleagues, invitations, roles and deactivation (admins change, all read)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask import flash, redirect, request, url_for
from werkzeug.wrappers import Response

from api.auth import invitation_link
from api.http import services
from api.web.blueprint import bp, read_own_write
from api.web.domain_messages import translated
from api.web.forms import text
from api.web.i18n import gettext, n_, render
from api.web.session import principal, signed_in
from betotrace_es.domain.company import MemberStatus
from betotrace_es.domain.exceptions import ConflictError, TransitionRefusedError, ValidationError
from betotrace_es.domain.values import PERMISSIONS, Permission, Role

ROLES = {"admin": n_("Admin"), "planner": n_("Planner"), "viewer": n_("Viewer")}
STATUSES = {"invited": n_("Invited"), "active": n_("Active"), "inactive": n_("Inactive")}


def _role() -> Role:
    try:
        return Role(text("role"))
    except ValueError:
        raise ValidationError.single("role", gettext("Choose one of the list.")) from None


def _page(values: Any, errors: dict[str, list[str]], status: int) -> tuple[str, int]:
    who, found = principal(), services()
    read_own_write()
    return render(
        "settings/users.html",
        users=found.read.settings.users(who.company.id),
        me=who.user.id,
        may_manage=Permission.MANAGE_USERS in PERMISSIONS[who.actor.role],
        roles=ROLES,
        statuses=STATUSES,
        values=values,
        errors=errors,
    ), status


@bp.route("/settings/users", methods=["GET"])
@signed_in
def users() -> tuple[str, int]:
    """My company's users."""
    return _page({"role": "planner"}, {}, 200)


@bp.route("/settings/users", methods=["POST"])
@signed_in
def invite_user() -> Response | tuple[str, int]:
    """Invite a colleague (admins); the link is shown until the e-mail does the job."""
    who, found = principal(), services()
    try:
        invited = found.app.invite_user(who.actor, text("email"), _role())
    except ValidationError as error:
        return _page(request.form, error.errors, 422)
    user = invited.aggregate
    member = found.app.get_company(who.company.id).member(user.id)
    assert member.invitation_expires_at is not None
    link = invitation_link(found, user.id, member.invitation_expires_at)
    flash(
        gettext("%(email)s is invited. Invitation link: %(link)s", email=user.email, link=link),
        "success",
    )
    return redirect(url_for("web.users", p=invited.position))


@bp.route("/settings/users/<uuid:user_id>", methods=["POST"])
@signed_in
def change_user(user_id: UUID) -> Response | tuple[str, int]:
    """Change a colleague's role or whether they can log in (never the last admin)."""
    who, found = principal(), services()
    invited = found.app.get_company(who.company.id).member(user_id).status is MemberStatus.INVITED
    try:  # an invitee cannot log in before accepting: the form offers only the role
        recorded = found.app.change_membership(
            who.actor,
            user_id,
            role=_role(),
            active=None if invited else request.form.get("active") == "yes",
        )
    except ValidationError as error:
        return _page(request.form, error.errors, 422)
    except (TransitionRefusedError, ConflictError) as error:
        flash(translated(error.message), "error")
        return redirect(url_for("web.users"))
    if recorded.aggregate.member(user_id).status is MemberStatus.INACTIVE:
        found.state.revoke_user_tokens(user_id)
    flash(gettext("The user is saved."), "success")
    return redirect(url_for("web.users", p=recorded.position))
