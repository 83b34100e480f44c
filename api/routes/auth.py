"""Logging in and out, and accepting an invitation."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import request

from api.auth import current, invited_user, issue_token
from api.http import public, services
from api.openapi import ApiBlueprint
from api.representations import me as me_body
from api.schemas.company import InvitationAcceptIn, MeOut, TokenIn, TokenOut
from betotrace_es.passwords import hash_password

blp = ApiBlueprint("auth", __name__, url_prefix="/api/auth", description="Authentication")


@blp.route("/token", methods=["POST"])
@public
@blp.arguments(TokenIn)
@blp.response(200, TokenOut)
@blp.problems(401, 415, 429)
@blp.doc(security=[])
def token(body: dict[str, Any]) -> dict[str, Any]:
    """Exchange e-mail and password for a bearer token."""
    address = request.remote_addr or "unknown"
    issued, expires_at = issue_token(services(), body["email"], body["password"], address)
    moment = datetime.fromtimestamp(expires_at, UTC).isoformat()
    return {"access_token": issued, "token_type": "Bearer", "expires_at": moment}


@blp.route("/logout", methods=["POST"])
@blp.response(204)
@blp.problems(401)
def logout() -> None:
    """Revoke the token of this request."""
    principal = current()
    if principal.token_hash is not None:
        services().state.revoke_token(principal.token_hash)


@blp.route("/invitations/<string:token>/accept", methods=["POST"])
@public
@blp.arguments(InvitationAcceptIn)
@blp.response(200, MeOut)
@blp.problems(404, 409, 415)
@blp.doc(security=[])
def accept_invitation(body: dict[str, Any], token: str) -> dict[str, Any]:
    """Set a name and password from an invitation link; the user becomes active."""
    found = services()
    user_id = invited_user(found, token)
    password = hash_password(body["password"])
    user = found.app.accept_invitation(
        user_id, first_name=body["first_name"], last_name=body["last_name"], password_hash=password
    ).aggregate
    company = found.app.get_company(user.company_id)
    return me_body(user, company, company.member(user.id))
