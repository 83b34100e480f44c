"""A refused command is told in the UI's language: whole-order refusals, permissions, conflicts."""

from __future__ import annotations

import html as markup

import pytest
from flask import Flask
from flask.testing import FlaskClient

from api.web.domain_messages import translated
from tests.web.conftest import (
    CUSTOMER_PLANNER,
    SUPPLIER_PLANNER,
    Demo,
    csrf_token,
    log_in,
    order_url,
)


def _language(client: FlaskClient, code: str) -> None:
    token = csrf_token(client.get("/orders").get_data(as_text=True))
    client.post("/language", data={"lang": code, "csrf_token": token})


def _post(client: FlaskClient, url: str, data: dict[str, str]) -> str:
    token = csrf_token(client.get("/orders").get_data(as_text=True))
    response = client.post(url, data={"csrf_token": token, **data}, follow_redirects=True)
    return markup.unescape(response.get_data(as_text=True))


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("nl", "Bestelling {number} is geannuleerd; ze kan niet meer geannuleerd worden."),
        ("fr", "La commande {number} est annulée ; elle ne peut plus être annulée."),
        ("en", "Order {number} is cancelled; it can no longer be cancelled."),
    ],
)
def test_cancelling_a_cancelled_order_is_refused_in_the_users_language(
    demo: Demo, client: FlaskClient, language: str, expected: str
) -> None:
    order = demo.request_order()
    supplier = demo.actor(SUPPLIER_PLANNER)
    cancelled = demo.services.app.cancel_order(supplier, order.id, "geen beton")
    log_in(client, CUSTOMER_PLANNER)
    _language(client, language)
    url = order_url(order.id)

    page = _post(
        client, f"{url}/cancel", {"version": str(cancelled.aggregate.version), "message": "x"}
    )

    assert expected.format(number=order.number) in page
    assert 'class="flash flash-error"' in page
    after = demo.services.app.get_order(supplier, order.id)
    assert after.version == cancelled.aggregate.version, "a refused command recorded nothing"


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("nl", "Voor bestelling {number} staat geen voorstel open."),
        ("fr", "La commande {number} n'a pas de proposition en attente."),
    ],
)
def test_answering_a_proposal_that_is_not_there_is_refused_in_the_users_language(
    demo: Demo, client: FlaskClient, language: str, expected: str
) -> None:
    order = demo.request_order()
    log_in(client, CUSTOMER_PLANNER)
    _language(client, language)

    page = _post(client, f"{order_url(order.id)}/accept_proposal", {"version": "1"})

    assert expected.format(number=order.number) in page


# What the domain says, word for word (its messages are the API's `detail`), and the start of
# what the Dutch and French UI must say instead.
SENTENCES = [
    (
        "order BT-2026-000009 is finished; only a requested order can be accepted",
        "Bestelling BT-2026-000009 is afgewerkt; alleen een aangevraagde",
        "La commande BT-2026-000009 est terminée ; seule une commande demandée",
    ),
    (
        "order BT-2026-000009 has a pending proposal for a new delivery moment; answer it first",
        "Voor bestelling BT-2026-000009 staat een voorstel",
        "La commande BT-2026-000009 a une proposition",
    ),
    (
        "order BT-2026-000009 has your own proposal pending; only the other party can decline it",
        "Voor bestelling BT-2026-000009 staat je eigen voorstel open; alleen de andere partij",
        "La commande BT-2026-000009 a votre propre proposition",
    ),
    (
        "order BT-2026-000009 is planned; it can no longer be declined",
        "Bestelling BT-2026-000009 is gepland; het voorstel kan niet meer geweigerd",
        "La commande BT-2026-000009 est planifiée ; sa proposition ne peut plus",
    ),
    (
        "order BT-2026-000009 is requested; you can only assign drivers on a planned order",
        "Bestelling BT-2026-000009 is aangevraagd; chauffeurs toewijzen",
        "La commande BT-2026-000009 est demandée ; on ne peut attribuer",
    ),
    (
        "only the supplier can finish order BT-2026-000009",
        "Alleen de leverancier kan bestelling BT-2026-000009 afwerken.",
        "Seul le fournisseur peut terminer la commande BT-2026-000009.",
    ),
    (
        "a viewer may not cancel orders",
        "Je rol (lezer) laat dit niet toe.",
        "Votre rôle (lecteur) ne le permet pas.",
    ),
    (
        "someone else changed this at the same moment; reload and try again",
        "Iemand anders heeft dit op hetzelfde moment gewijzigd",
        "Quelqu'un d'autre a modifié ceci au même moment",
    ),
    (
        "expected version 3, but the current version is 4",
        "Dit is intussen gewijzigd.",
        "Ceci a changé entre-temps.",
    ),
    (
        "branch Centrale Gent is closed and takes no orders",
        "Vestiging Centrale Gent is gesloten en neemt geen bestellingen aan.",
        "Le site de production Centrale Gent est fermé",
    ),
    (
        "Beton NV must keep at least one active admin",
        "Beton NV moet minstens één actieve beheerder houden.",
        "Beton NV doit garder au moins un administrateur actif.",
    ),
    (
        "driver Piet Pieters is already inactive",
        "Chauffeur Piet Pieters is al inactief.",
        "Le chauffeur Piet Pieters est déjà inactif.",
    ),
    ("must be between -90 and 90", "moet tussen -90 en 90 liggen", "doit être compris entre -90"),
    ("'Beton Gent' is already taken", "'Beton Gent' is al in gebruik", "'Beton Gent' est déjà"),
]


@pytest.mark.parametrize(("english", "dutch", "french"), SENTENCES)
def test_every_refusal_the_domain_says_is_translated(
    demo: Demo, english: str, dutch: str, french: str
) -> None:
    app: Flask = demo.app
    for code, start in (("nl", dutch), ("fr", french)):
        with app.test_request_context("/", headers={"Accept-Language": code}):
            assert translated(english).startswith(start), (code, translated(english))
