"""Reading HTML form fields into the values the application takes, with per-field errors."""

from __future__ import annotations

from datetime import date, datetime, time
from urllib.parse import urlsplit

from flask import request

from api.web.i18n import BRUSSELS, gettext


class FormError(Exception):
    """Fields of a form that could not be read; ``errors`` maps field names to messages."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__("; ".join(f"{k}: {' '.join(v)}" for k, v in errors.items()))
        self.errors = errors


def text(name: str) -> str:
    """A text field, stripped."""
    return request.form.get(name, "").strip()


def local_moment(date_field: str, time_field: str, field: str) -> datetime:
    """A date and a time of day typed in the platform's zone (Europe/Brussels)."""
    raw_date, raw_time = text(date_field), text(time_field)
    if not raw_date or not raw_time:
        raise FormError({field: [gettext("Give a date and a time.")]})
    try:
        moment = datetime.combine(date.fromisoformat(raw_date), time.fromisoformat(raw_time))
    except ValueError:
        raise FormError({field: [gettext("This is not a valid date and time.")]}) from None
    return moment.replace(tzinfo=BRUSSELS)


def local_day(name: str) -> date | None:
    """An optional date field of a filter (invalid dates are ignored)."""
    raw = request.args.get(name, "").strip()
    try:
        return date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


def safe_next(default: str) -> str:
    """A local path to go back to (never another host)."""
    target = request.values.get("next", "")
    parts = urlsplit(target)
    if not target.startswith("/") or target.startswith("//") or parts.scheme or parts.netloc:
        return default
    return target


def flatten(messages: object, prefix: str = "") -> dict[str, list[str]]:
    """marshmallow's nested messages as {"site.address.city": [...]}, the domain's field names."""
    if not isinstance(messages, dict):
        return {
            prefix: [str(m) for m in messages] if isinstance(messages, list) else [str(messages)]
        }
    flat: dict[str, list[str]] = {}
    for key, value in messages.items():
        flat.update(flatten(value, f"{prefix}.{key}" if prefix else str(key)))
    return flat
