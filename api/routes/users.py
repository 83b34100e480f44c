"""Colleagues: the list, invitations, roles and deactivation."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from api.auth import current, invitation_link
from api.http import idempotent, min_position, services
from api.openapi import ApiBlueprint
from api.pagination import by_name, list_page
from api.representations import member, user_item
from api.schemas.common import ListQuery
from api.schemas.company import InviteIn, UserListOut, UserOut, UserPatchIn
from betotrace_es.domain.company import MemberStatus
from betotrace_es.domain.exceptions import NotFoundError
from betotrace_es.domain.people import User
from betotrace_es.domain.values import Role

blp = ApiBlueprint("users", __name__, url_prefix="/api/users", description="Colleagues")


@blp.route("", methods=["GET"])
@blp.arguments(ListQuery, location="query")
@blp.response(200, UserListOut)
@blp.problems(401)
@blp.honours("X-Min-Position")
def list_users(query: dict[str, Any]) -> dict[str, Any]:
    """Everyone of my company, with role and status, by e-mail address."""
    min_position()
    principal = current()
    roster = principal.company.members
    items = []
    for item in services().read.settings.users(principal.company.id):
        found = roster.get(item.user_id)
        expiry = found.invitation_expires_at if found and not found.joined else None
        items.append(user_item(item, expiry))
    return list_page(items, query, by_name("email"), "users")


@blp.route("", methods=["POST"])
@idempotent
@blp.arguments(InviteIn)
@blp.response(201, UserOut)
@blp.problems(401, 403, 409, 415)
def invite(body: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """Invite a colleague by e-mail with a role (admins); the answer holds the invitation link."""
    principal, found = current(), services()
    user = found.app.invite_user(principal.actor, body["email"], Role(body["role"])).aggregate
    company = found.app.get_company(principal.company.id)
    membership = company.member(user.id)
    result = member(user, membership)
    assert membership.invitation_expires_at is not None
    result["invitation_link"] = invitation_link(found, user.id, membership.invitation_expires_at)
    return result, {"Location": f"/api/users/{user.id}"}


@blp.route("/<uuid:user_id>", methods=["PATCH"])
@blp.arguments(UserPatchIn)
@blp.response(200, UserOut)
@blp.problems(401, 403, 404, 409, 415)
def change(body: dict[str, Any], user_id: UUID) -> dict[str, Any]:
    """Change a colleague's role, or (de)activate them (admins; never the last admin)."""
    principal, found = current(), services()
    role = None if body.get("role") is None else Role(body["role"])
    company = found.app.change_membership(
        principal.actor, user_id, role=role, active=body.get("active")
    ).aggregate
    membership = company.member(user_id)
    if membership.status is MemberStatus.INACTIVE:
        found.state.revoke_user_tokens(user_id)
    try:
        user = found.app.load(User, user_id, "user")
    except NotFoundError:  # pragma: no cover - the roster and the users are saved together
        raise
    return member(user, membership)
