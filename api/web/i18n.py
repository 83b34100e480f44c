"""The web UI's languages: its own translation domain ``web``, the locale, dates, templates."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import phonenumbers
from babel.dates import format_date, format_time
from babel.numbers import format_decimal
from flask import Flask, current_app, get_flashed_messages, has_request_context, request, session
from flask import url_for as flask_url_for
from flask_babel import Babel, Domain, get_locale
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from jinja2 import Environment, FileSystemLoader, select_autoescape

from betotrace_es.domain.values import DEFAULT_LANGUAGE, LANGUAGES

HERE = Path(__file__).parent
TRANSLATIONS = HERE / "translations"
TEMPLATES = HERE / "templates"
DOMAIN = "web"
BRUSSELS = ZoneInfo("Europe/Brussels")
LANGUAGE_NAMES = {"nl": "Nederlands", "fr": "Français", "en": "English"}
ENVIRONMENT = "betotrace.web.jinja"

# Its own domain and directory: the e-mail catalogues (domain "messages") never collide with it.
web_domain = Domain(translation_directories=str(TRANSLATIONS), domain=DOMAIN)


def gettext(text: str, **variables: Any) -> str:
    """``text`` in the UI's language (``%(name)s`` placeholders filled from ``variables``)."""
    return str(web_domain.gettext(text, **variables))


def ngettext(singular: str, plural: str, num: int, **variables: Any) -> str:
    """The singular or plural of ``text`` in the UI's language."""
    return str(web_domain.ngettext(singular, plural, num, **variables))


def n_(text: str) -> str:
    """Mark ``text`` for translation where it is defined; translate it where it is shown."""
    return text


def language() -> str:
    """The UI's language now: chosen in this session, else the profile's, else the browser's."""
    if not has_request_context():
        return DEFAULT_LANGUAGE
    chosen = session.get("lang")
    if chosen in LANGUAGES:
        return str(chosen)
    if current_user and current_user.is_authenticated:
        return str(current_user.principal.language)
    return request.accept_languages.best_match(LANGUAGES) or DEFAULT_LANGUAGE


def moment(value: datetime | str | None, style: str = "medium") -> str:
    """A moment in the platform's zone, as the UI's language writes it, to the minute.

    ``short`` (4/12/26 08:30), ``medium`` (4 dec. 2026 08:30), ``full`` (vrijdag 4 december 2026
    08:30).
    """
    if value is None or value == "":
        return ""
    when = datetime.fromisoformat(value) if isinstance(value, str) else value
    local = when.astimezone(BRUSSELS)
    written = format_date(local, style, locale=language())
    return f"{written} {format_time(local, 'short', locale=language())}"


def day(value: datetime | str) -> str:
    """The date of a moment in the platform's zone (e.g. "4 dec. 2026")."""
    when = datetime.fromisoformat(value) if isinstance(value, str) else value
    return format_date(when.astimezone(BRUSSELS), "medium", locale=language())


def clock(value: datetime | str) -> str:
    """The time of day of a moment in the platform's zone."""
    when = datetime.fromisoformat(value) if isinstance(value, str) else value
    return format_time(when, "short", tzinfo=BRUSSELS, locale=language())


def number(value: object) -> str:
    """A decimal number the way the UI's language writes it (12,5 in Dutch)."""
    if value is None or value == "":
        return ""
    return format_decimal(str(value), locale=language())


def phone(value: str) -> str:
    """A stored E.164 number, written for people (+32 470 12 34 56)."""
    try:
        parsed = phonenumbers.parse(value, "BE")
    except phonenumbers.NumberParseException:
        return value
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def has_endpoint(name: str) -> bool:
    """Whether the app has this page (screens arrive one by one)."""
    return name in current_app.view_functions


def init_i18n(app: Flask) -> None:
    """Babel's locale selector, and the web's own Jinja environment with the web domain."""
    existing = app.extensions.get("babel")
    if existing is None:
        Babel(app, locale_selector=language, configure_jinja=False)
    else:  # another part of the app set Babel up first: the UI's choice of language still rules
        existing.locale_selector = language
    environment = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html"]),
        extensions=["jinja2.ext.i18n"],
        auto_reload=app.debug,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.install_gettext_callables(  # type: ignore[attr-defined]
        gettext, ngettext, newstyle=True
    )
    environment.globals.update(
        url_for=flask_url_for,
        get_flashed_messages=get_flashed_messages,
        csrf_token=generate_csrf,
        get_locale=get_locale,
        language=language,
        LANGUAGES=LANGUAGES,
        LANGUAGE_NAMES=LANGUAGE_NAMES,
        has_endpoint=has_endpoint,
    )
    from api.web.domain_messages import translated

    environment.filters.update(
        moment=moment, day=day, clock=clock, number=number, phone=phone, domain=translated
    )
    app.extensions[ENVIRONMENT] = environment


def render(template: str, **context: Any) -> str:
    """Render one of the web's templates with Flask's usual context (request, current_user…)."""
    app = current_app
    values = dict(context)
    app.update_template_context(values)
    environment: Environment = app.extensions[ENVIRONMENT]
    return environment.get_template(template).render(values)
