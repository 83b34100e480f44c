"""The web UI speaks nl, fr and en: every label translated, the language chosen as specified."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from flask.testing import FlaskClient

from api.web.i18n import TRANSLATIONS
from tests.web.conftest import CUSTOMER_VIEWER, csrf_token, log_in

WEB = Path(TRANSLATIONS).parent
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "n_": None}


def _labels_in_the_sources() -> set[str]:
    method_map = [("**.py", "python"), ("templates/**.html", "jinja2")]
    options = {"templates/**.html": {"trim_blocks": "true", "lstrip_blocks": "true"}}
    found = extract_from_dir(str(WEB), method_map, options, keywords=KEYWORDS)
    return {m[2] if isinstance(m[2], str) else m[2][0] for m in found}


@pytest.mark.parametrize("language", ["nl", "fr", "en"])
def test_every_label_is_translated_and_compiled(language: str) -> None:
    folder = TRANSLATIONS / language / "LC_MESSAGES"
    with (folder / "web.po").open("rb") as po:
        catalogue = read_po(po, locale=language)
    translated = {m.id: m.string for m in catalogue if m.id and m.string and not m.fuzzy}
    missing = sorted(_labels_in_the_sources() - set(translated))
    assert missing == [], f"translate in {language} (make translations): {missing}"
    with (folder / "web.mo").open("rb") as mo:
        compiled = {m.id: m.string for m in read_mo(mo) if m.id}
    assert compiled == translated, f"run make translations: web.mo of {language} is stale"


@pytest.mark.parametrize(
    ("language", "label"), [("nl", "Aanmelden"), ("fr", "Se connecter"), ("en", "Log in")]
)
def test_the_browser_language_is_used_before_login(
    client: FlaskClient, language: str, label: str
) -> None:
    html = client.get("/login", headers={"Accept-Language": f"{language};q=1"}).get_data(
        as_text=True
    )
    assert f"<h1>{label}</h1>" in html
    assert f'<html lang="{language}">' in html


def test_the_profile_language_wins_over_the_browser(client: FlaskClient) -> None:
    log_in(client, CUSTOMER_VIEWER)  # the demo's users prefer Dutch
    html = client.get("/orders", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert "Bestellingen" in html


def test_the_language_switch_changes_every_label(client: FlaskClient) -> None:
    log_in(client, CUSTOMER_VIEWER)
    for language, label in (("fr", "Commandes"), ("en", "Orders"), ("nl", "Bestellingen")):
        token = csrf_token(client.get("/orders").get_data(as_text=True))
        client.post("/language", data={"lang": language, "next": "/orders", "csrf_token": token})
        assert f"<h1>{label}</h1>" in client.get("/orders").get_data(as_text=True)


def test_the_domain_messages_translated_are_ones_the_domain_says() -> None:
    from api.web.domain_messages import FIXED

    sources = "".join(
        p.read_text() for p in (Path(__file__).parents[2] / "src" / "betotrace_es").rglob("*.py")
    )
    assert [m for m in FIXED if f'"{m}"' not in sources] == []
