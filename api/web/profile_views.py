"""My profile: name, job title, language and phone numbers, by the same command as the API."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask import flash, redirect, request, session, url_for
from flask_babel import force_locale
from werkzeug.wrappers import Response

from api.http import services
from api.web.blueprint import bp
from api.web.forms import text
from api.web.i18n import gettext, language, render
from api.web.session import principal, signed_in
from api.web.users_views import ROLES
from betotrace_es.domain.exceptions import ValidationError
from betotrace_es.domain.people import Profile
from betotrace_es.domain.values import PhoneNumber

MAX_PHONES = 5
T = TypeVar("T")


def phone_rows(count: int = MAX_PHONES) -> list[PhoneNumber]:
    """The filled rows of a phone table (a row left empty is no number).

    Each row is checked here, so that an error names the row it was typed in: the domain numbers
    only the filled rows, and a row left empty above would shift its errors to the wrong row.
    """
    rows, errors = [], {}
    for index in range(count):
        label, number = (
            text(f"phone_numbers[{index}].label"),
            text(f"phone_numbers[{index}].number"),
        )
        if label or number:
            try:
                rows.append(PhoneNumber.parse(label, number, f"phone_numbers[{index}]"))
            except ValidationError as error:
                errors.update(error.errors)
    if errors:
        raise ValidationError(errors)
    return rows


def parsed_with_phones(parse: Callable[[list[PhoneNumber]], T], count: int = MAX_PHONES) -> T:
    """``parse(phone rows)``, with the errors of the rows and of the other fields all at once."""
    try:
        rows, row_errors = phone_rows(count), {}
    except ValidationError as error:
        rows, row_errors = [], error.errors
    try:
        parsed = parse(rows)
    except ValidationError as error:
        raise ValidationError({**error.errors, **row_errors}) from None
    if row_errors:
        raise ValidationError(row_errors)
    return parsed


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
        changed = parsed_with_phones(
            lambda phones: Profile.parse(
                first_name=text("first_name"),
                last_name=text("last_name"),
                job_title=text("job_title"),
                language=text("language"),
                phone_numbers=phones,
            )
        )
    except ValidationError as error:
        return _form(dict(request.form), error.errors, 422)
    shown = language()
    if changed != who.user.profile:
        services().app.update_profile(who.actor, changed)
        session.pop("lang", None)  # the profile's language rules again
        shown = changed.language
    with force_locale(shown):  # the confirmation speaks the language of the page it is shown on
        flash(gettext("Your profile is saved."), "success")
    return redirect(url_for("web.profile"))
