"""The signed-in user's own profile."""

from __future__ import annotations

from typing import Any

from api.auth import current
from api.http import services
from api.openapi import ApiBlueprint
from api.representations import me as me_body
from api.schemas.company import MeOut, MePatchIn
from betotrace_es.domain.people import Profile
from betotrace_es.domain.values import PhoneNumber

blp = ApiBlueprint("me", __name__, url_prefix="/api/me", description="My profile")


@blp.route("", methods=["GET"])
@blp.response(200, MeOut)
@blp.problems(401)
def get_me() -> dict[str, Any]:
    """Who I am, my company and my role."""
    principal = current()
    return me_body(principal.user, principal.company, principal.company.member(principal.user.id))


@blp.route("", methods=["PATCH"])
@blp.arguments(MePatchIn)
@blp.response(200, MeOut)
@blp.problems(401, 415)
def patch_me(body: dict[str, Any]) -> dict[str, Any]:
    """Change my name, job title, language or phone numbers."""
    principal = current()
    old = principal.user.profile
    phones = body.get("phone_numbers")
    profile = Profile.parse(
        first_name=body.get("first_name", old.first_name),
        last_name=body.get("last_name", old.last_name),
        job_title=body.get("job_title", old.job_title),
        language=body.get("language", old.language),
        phone_numbers=old.phone_numbers
        if phones is None
        else [PhoneNumber(p["label"], p["number"]) for p in phones],
    )
    user = principal.user
    if profile != old:
        user = services().app.update_profile(principal.actor, profile).aggregate
    return me_body(user, principal.company, principal.company.member(user.id))
