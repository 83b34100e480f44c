"""My profile: name, job title, language and phone numbers, by the same command as the API."""

from __future__ import annotations

from flask import flash, redirect, request, session, url_for
from werkzeug.wrappers import Response

from api.http import services
from api.web.blueprint import bp
from api.web.forms import text
from api.web.i18n import gettext, render
from api.web.session import principal, signed_in
from api.web.users_views import ROLES
from betotrace_es.domain.exceptions import ValidationError
from betotrace_es.domain.people import Profile
from betotrace_es.domain.values import PhoneNumber

MAX_PHONES = 5


def phone_rows(count: int = MAX_PHONES) -> list[PhoneNumber]:
    """The filled rows of a phone table (a row left empty is no number)."""
    rows = []
    for index in range(count):
        label, number = (
            text(f"phone_numbers[{index}].label"),
            text(f"phone_numbers[{index}].number"),
        )
        if label or number:
            rows.append(PhoneNumber(label, number))
    return rows


def _values() -> dict[str, str]:
    """The form's fields as they are now: the profile, then what was typed."""
    profile = principal().user.profile
    values = {
        "first_name": profile.first_name,
        "last_name": profile.last_name,
        "job_title": profile.job_title,
        "language": profile.language,
    }
    for index, phone in enumerate(profile.phone_numbers):
        values[f"phone_numbers[{index}].label"] = phone.label
        values[f"phone_numbers[{index}].number"] = phone.number
    return values


def _form(values: dict[str, str], errors: dict[str, list[str]], status: int) -> tuple[str, int]:
    rows = sum(1 for k in values if k.endswith("].label") and values[k]) + 1
    return render(
        "profile.html", values=values, errors=errors, roles=ROLES, rows=min(rows, MAX_PHONES)
    ), status


@bp.route("/profile", methods=["GET"])
@signed_in
def profile() -> tuple[str, int]:
    """My profile, to read and change."""
    return _form(_values(), {}, 200)


@bp.route("/profile", methods=["POST"])
@signed_in
def save_profile() -> Response | tuple[str, int]:
    """Save my profile; errors at their fields."""
    who = principal()
    try:
        changed = Profile.parse(
            first_name=text("first_name"),
            last_name=text("last_name"),
            job_title=text("job_title"),
            language=text("language"),
            phone_numbers=phone_rows(),
        )
    except ValidationError as error:
        return _form(dict(request.form), error.errors, 422)
    if changed != who.user.profile:
        services().app.update_profile(who.actor, changed)
        session.pop("lang", None)  # the profile's language rules again
    flash(gettext("Your profile is saved."), "success")
    return redirect(url_for("web.profile"))
