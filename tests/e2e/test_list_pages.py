"""Lists take `limit` (default 50, max 200) and return `{items, next_cursor}` (the contract).

Keyset pages: a page starts right after the last item the previous one showed, so items
added or removed between two pages cause no repeat and no gap; a cursor belongs to its list.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.live import LiveApi
from tests.e2e.targets import Targets


def add_driver(live: LiveApi, last_name: str) -> str:
    body = {"first_name": "Jan", "last_name": last_name, "mobile": "0475 11 22 33"}
    answer = live.http.post("/api/drivers", live.token("supplier"), body)
    assert answer.status == 201, answer.body
    driver_id: str = answer.json["id"]
    return driver_id


def pages(live: LiveApi, path: str, token: str, limit: int) -> list[list[dict[str, Any]]]:
    """Every page of a list, following next_cursor to the end."""
    found: list[list[dict[str, Any]]] = []
    cursor = None
    while True:
        query = f"limit={limit}" + (f"&cursor={cursor}" if cursor else "")
        answer = live.http.get(f"{path}{'&' if '?' in path else '?'}{query}", token)
        assert answer.status == 200, answer.body
        found.append(answer.json["items"])
        cursor = answer.json["next_cursor"]
        if cursor is None:
            return found
        assert len(answer.json["items"]) == limit


def test_a_list_is_read_page_by_page_in_name_order_to_the_end(live: LiveApi) -> None:
    names = ["Peeters", "maes", "Janssens", "Claes", "Wouters"]
    for name in names:
        add_driver(live, name)

    read = pages(live, "/api/drivers", live.token("supplier"), 2)

    assert [len(p) for p in read] == [2, 2, 1]
    assert [d["last_name"] for p in read for d in p] == sorted(names, key=str.casefold)
    assert len(live.http.get("/api/drivers", live.token("supplier")).json["items"]) == 5


def test_items_added_between_two_pages_cause_no_repeat_and_no_gap(live: LiveApi) -> None:
    planner = live.token("supplier")
    for name in ("Bos", "Dierickx", "Goossens", "Lambrecht"):
        add_driver(live, name)
    first = live.http.get("/api/drivers?limit=2", planner).json
    assert [d["last_name"] for d in first["items"]] == ["Bos", "Dierickx"]

    add_driver(live, "Aerts")  # before the page already read: not shown again, no shift
    add_driver(live, "Hermans")  # after it: on a later page
    rest = live.http.get(f"/api/drivers?limit=50&cursor={first['next_cursor']}", planner).json

    assert [d["last_name"] for d in rest["items"]] == ["Goossens", "Hermans", "Lambrecht"]
    assert rest["next_cursor"] is None


@pytest.mark.parametrize(
    "path", ["/api/users", "/api/products", "/api/branches", "/api/contacts", "/api/drivers"]
)
def test_every_settings_list_pages(live: LiveApi, path: str) -> None:
    targets = Targets(live.services, live.own)
    targets.branch()
    targets.contact()
    targets.contact()
    targets.driver()
    targets.driver()
    targets.product()
    targets.invitee("supplier")
    admin = live.token("supplier", "admin")
    whole = live.http.get(path, admin).json

    read = pages(live, path, admin, 1)

    assert whole["next_cursor"] is None
    assert len(whole["items"]) >= 2
    assert [item for page in read for item in page] == whole["items"]


def test_a_cursor_of_another_list_or_a_bad_limit_is_refused_by_name(live: LiveApi) -> None:
    planner = live.token("supplier")
    add_driver(live, "Bos")
    add_driver(live, "Claes")
    cursor = live.http.get("/api/drivers?limit=1", planner).json["next_cursor"]

    for refused in (
        live.http.get(f"/api/contacts?cursor={cursor}", planner),
        live.http.get("/api/drivers?cursor=bm90LWEtY3Vyc29y", planner),
        live.http.get("/api/drivers?limit=0", planner),
        live.http.get("/api/drivers?limit=201", planner),
    ):
        assert refused.status == 422, refused.body
        assert set(refused.json["errors"]) <= {"cursor", "limit"}


@pytest.mark.parametrize("near", [None, "51.05,3.72"])
def test_the_directory_pages_in_its_order(live: LiveApi, near: str | None) -> None:
    targets = Targets(live.services, live.own)
    for _ in range(4):
        targets.branch()
    customer = live.token("customer")
    path = "/api/directory/branches" + (f"?near={near}" if near else "")
    whole = live.http.get(path, customer).json

    read = pages(live, path, customer, 2)

    assert whole["next_cursor"] is None
    assert len(whole["items"]) >= 5
    assert [e["id"] for page in read for e in page] == [e["id"] for e in whole["items"]]
    other_order = "/api/directory/branches" + ("" if near else "?near=51.05,3.72")
    cursor = live.http.get(f"{path}{'&' if near else '?'}limit=1", customer).json["next_cursor"]
    joiner = "&" if "?" in other_order else "?"
    refused = live.http.get(f"{other_order}{joiner}cursor={cursor}", customer)
    assert refused.status == 422
    assert set(refused.json["errors"]) == {"cursor"}
