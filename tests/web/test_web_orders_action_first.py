"""The order list puts what waits for the reader first, under a heading, then the rest."""

from __future__ import annotations

import re

from flask.testing import FlaskClient

from tests.web.conftest import CUSTOMER_PLANNER, SUPPLIER_PLANNER, Demo, csrf_token, log_in

ROW = re.compile(r'data-group="(mine|others)"|data-order="([^"]+)"')
NEXT = re.compile(r'<a href="([^"]+)">Next page</a>')


def _english(client: FlaskClient) -> None:
    token = csrf_token(client.get("/orders").get_data(as_text=True))
    client.post("/language", data={"lang": "en", "csrf_token": token})


def _rows(client: FlaskClient, url: str) -> tuple[list[tuple[str, str]], list[str]]:
    """(group, order number) of every row on every page, and each page's HTML."""
    rows: list[tuple[str, str]] = []
    pages: list[str] = []
    next_url: str | None = url
    while next_url and len(pages) < 50:
        html = client.get(next_url).get_data(as_text=True)
        pages.append(html)
        group = ""
        for found in ROW.finditer(html):
            if found.group(1):
                group = found.group(1)
            else:
                rows.append((group, found.group(2)))
        more = NEXT.search(html)
        next_url = more.group(1).replace("&amp;", "&") if more else None
    return rows, pages


def test_the_list_shows_what_waits_for_me_first_under_its_heading(
    demo: Demo, client: FlaskClient
) -> None:
    supplier = demo.actor(SUPPLIER_PLANNER)
    waiting_late = demo.request_order(days=40)  # waits for the supplier, delivered last
    planned_early = demo.request_order(days=1.5)
    accepted = demo.services.app.accept_order(supplier, planned_early.id)
    demo.services.read.wait_until(accepted.position, 5)
    log_in(client, SUPPLIER_PLANNER)
    _english(client)

    rows, pages = _rows(client, "/orders")

    groups = [group for group, _ in rows]
    assert groups == sorted(groups), "every row waiting for me comes before the others"
    assert ("mine", waiting_late.number) in rows
    assert ("others", planned_early.number) in rows
    assert rows.index(("mine", waiting_late.number)) < rows.index(("others", planned_early.number))
    assert len(rows) == len(set(rows)), "a row was listed on two pages"
    first = pages[0]
    assert 'id="group-mine">Waiting for you</th>' in first
    assert re.search(r'<tr class="mine" data-order="BT-', first)


def test_the_other_party_sees_the_same_order_among_the_rest(
    demo: Demo, client: FlaskClient
) -> None:
    waiting_for_supplier = demo.request_order(days=41)
    log_in(client, CUSTOMER_PLANNER)
    _english(client)

    rows, _pages = _rows(client, "/orders?q=" + waiting_for_supplier.number)

    assert rows == [("others", waiting_for_supplier.number)]
