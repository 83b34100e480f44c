"""Every command answers X-Position; a read sent with it as X-Min-Position shows the change.

The e2e client sends the last X-Position it got as X-Min-Position (``read_your_writes``), as a
client of the contract does: each list below must show the command's effect at once.
"""

from __future__ import annotations

from typing import Any

from tests.e2e.http_client import Answer
from tests.e2e.live import LiveApi


def position_of(answer: Answer, status: int = 200) -> int:
    """The command succeeded and answered the log position of what it recorded."""
    assert answer.status == status, answer.body
    position = answer.header("X-Position")
    assert position is not None, (answer.status, answer.body)
    return int(position)


def listed(live: LiveApi, path: str, token: str) -> list[dict[str, Any]]:
    answer = live.http.get(path, token)
    assert answer.status == 200, answer.body
    items: list[dict[str, Any]] = answer.json["items"]
    return items


def test_driver_commands_answer_x_position_and_the_list_shows_them(live: LiveApi) -> None:
    planner = live.token("supplier")
    body = {"first_name": "Luc", "last_name": "Maes", "mobile": "0475 11 22 33"}

    added = live.http.post("/api/drivers", planner, body)
    first = position_of(added, 201)
    assert [d["id"] for d in listed(live, "/api/drivers", planner)] == [added.json["id"]]

    changed = live.http.patch(f"/api/drivers/{added.json['id']}", planner, {"active": False})
    assert position_of(changed) > first
    assert [d["active"] for d in listed(live, "/api/drivers", planner)] == [False]


def test_product_commands_answer_x_position_and_the_list_shows_them(live: LiveApi) -> None:
    admin = live.token("supplier", "admin")
    body = {
        "code": "C30/37-XC4-S4",
        "name": "Beton C30/37 XC4 S4",
        "strength_class": "C30/37",
        "exposure_classes": ["XC4"],
        "consistency_class": "S4",
        "dmax_mm": 20,
    }

    position_of(live.http.post("/api/products", admin, body), 201)
    assert "C30/37-XC4-S4" in {p["code"] for p in listed(live, "/api/products", admin)}

    renamed = {"name": "Beton C30/37 XC4 S4 (vloer)"}
    position_of(live.http.patch("/api/products/C30%2F37-XC4-S4", admin, renamed))
    names = {p["code"]: p["name"] for p in listed(live, "/api/products", admin)}
    assert names["C30/37-XC4-S4"] == "Beton C30/37 XC4 S4 (vloer)"


def test_contact_commands_answer_x_position_and_the_list_shows_them(live: LiveApi) -> None:
    admin = live.token("supplier", "admin")
    branch = str(live.own.branch_id)
    body = {
        "first_name": "Koen",
        "last_name": "Verhoeven",
        "email": "koen@example.be",
        "phone_numbers": [{"label": "office", "number": "09 223 45 67"}],
        "branch_ids": [branch],
    }

    added = live.http.post("/api/contacts", admin, body)
    position_of(added, 201)
    [item] = [c for c in listed(live, "/api/contacts", admin) if c["id"] == added.json["id"]]
    assert item["default_for_branch_ids"] == []

    made_default = {"default_for_branch_ids": [branch]}
    position_of(live.http.patch(f"/api/contacts/{added.json['id']}", admin, made_default))
    [item] = [c for c in listed(live, "/api/contacts", admin) if c["id"] == added.json["id"]]
    assert item["default_for_branch_ids"] == [branch]


def test_user_and_profile_commands_answer_x_position_and_the_reads_show_them(
    live: LiveApi,
) -> None:
    admin = live.token("supplier", "admin")

    invited = live.http.post("/api/users", admin, {"email": "nieuw@example.be", "role": "viewer"})
    position_of(invited, 201)
    users = {u["id"]: u for u in listed(live, "/api/users", admin)}
    assert users[invited.json["id"]]["role"] == "viewer"

    promoted = live.http.patch(f"/api/users/{invited.json['id']}", admin, {"role": "planner"})
    position_of(promoted)
    users = {u["id"]: u for u in listed(live, "/api/users", admin)}
    assert users[invited.json["id"]]["role"] == "planner"

    planner = live.token("supplier")
    position_of(live.http.patch("/api/me", planner, {"job_title": "Planner Gent"}))
    assert live.http.get("/api/me", planner).json["job_title"] == "Planner Gent"


def test_a_read_or_a_refused_command_answers_no_position(live: LiveApi) -> None:
    planner = live.token("supplier")

    assert live.http.get("/api/drivers", planner).header("X-Position") is None
    refused = live.http.post("/api/drivers", planner, {"first_name": "", "last_name": "M"})
    assert refused.status == 422
    assert refused.header("X-Position") is None


def test_a_retried_command_answers_the_same_x_position(live: LiveApi) -> None:
    planner = live.token("supplier")
    body = {"first_name": "Luc", "last_name": "Maes", "mobile": "0475 11 22 33"}
    key = {"Idempotency-Key": "driver-luc-maes"}

    first = live.http.post("/api/drivers", planner, body, headers=key)
    retried = live.http.post("/api/drivers", planner, body, headers=key)

    assert retried.header("Idempotent-Replayed") == "true"
    assert retried.header("X-Position") == str(position_of(first, 201))
