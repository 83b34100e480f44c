"""The e-mail and notification texts: every message id translated in nl, fr and en, compiled."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from betotrace_es.mail import texts
from betotrace_es.mail.render import TRANSLATIONS, notice

LANGUAGES = ("nl", "fr", "en")
SOURCE = Path(texts.__file__).parent


def source_ids() -> set[str]:
    """The message ids in the code, as ``make translations`` extracts them."""
    found = extract_from_dir(str(SOURCE), method_map=[("**.py", "python")], keywords={"N_": None})
    return {str(message) for _file, _line, message, _comments, _context in found}


def test_the_template_holds_exactly_the_ids_of_the_code() -> None:
    with (TRANSLATIONS / "messages.pot").open("rb") as pot:
        template = {m.id for m in read_po(pot) if m.id}
    assert template == source_ids(), "run `make translations`"


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_id_has_a_translation(language: str) -> None:
    with (TRANSLATIONS / language / "LC_MESSAGES" / "messages.po").open("rb") as po:
        catalog = read_po(po)
    translated = {m.id for m in catalog if m.id and m.string and not m.fuzzy}
    missing = sorted(source_ids() - translated)
    assert missing == [], f"{language} lacks translations of {missing}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_compiled_catalogue_matches_its_source(language: str) -> None:
    folder = TRANSLATIONS / language / "LC_MESSAGES"
    with (folder / "messages.po").open("rb") as po, (folder / "messages.mo").open("rb") as mo:
        source = {m.id: m.string for m in read_po(po) if m.id and not m.fuzzy}
        compiled = {m.id: m.string for m in read_mo(mo) if m.id}
    assert compiled == source, "run `make translations` and commit the .mo files"


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_kind_renders_in_every_language(language: str) -> None:
    params = {
        "order_id": "0b7f6f0e-51a4-4a39-8a0c-6a1d1b3c9e21",
        "number": "BT-2026-000123",
        "branch": "Centrale Gent",
        "party": "Bouw BV",
        "delivery_at": "2026-12-10T13:00:00+00:00",
        "proposed_at": "2026-12-11T06:30:00+00:00",
        "message": "",
        "company": "Beton NV",
        "inviter": "An Peeters",
        "user_id": "0b7f6f0e-51a4-4a39-8a0c-6a1d1b3c9e21",
        "expires_at": "2026-12-11T06:30:00+00:00",
    }
    for kind in texts.KINDS:
        title, text = notice(kind, params, language)
        assert "%(" not in title + text
        assert title
        assert text


def test_delivery_moments_are_brussels_time_in_the_recipients_words() -> None:
    params = {"number": "BT-2026-000123", "party": "Bouw BV", "proposed_at": "2026-07-01T06:30:00Z"}
    assert "woensdag 1 juli 2026 om 08:30" in notice("reschedule_proposed", params, "nl")[1]
    assert "mercredi 1 juillet 2026 à 08:30" in notice("reschedule_proposed", params, "fr")[1]
    assert "Wednesday, 1 July 2026 at 08:30" in notice("reschedule_proposed", params, "en")[1]
