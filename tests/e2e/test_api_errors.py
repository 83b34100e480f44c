"""Bad requests over HTTP: each a problem+json naming what is wrong, each status documented."""

from __future__ import annotations

import json
import time
from typing import Any

from tests.e2e.live import LiveApi, order_body

PROBLEM = "application/problem+json"


def test_a_position_no_command_answered_is_refused_at_once(live: LiveApi) -> None:
    order = live.request_order()
    started = time.monotonic()

    answer = live.http.get(
        f"/api/orders/{order['id']}", live.token("customer"), headers={"X-Min-Position": "9" * 12}
    )

    assert time.monotonic() - started < 2  # not the bounded wait of a real position
    assert (answer.status, answer.content_type) == (422, PROBLEM)
    assert list(answer.json["errors"]) == ["X-Min-Position"]


def test_a_body_that_is_not_json_is_a_bad_request(live: LiveApi) -> None:
    answer = live.http.request(
        "POST",
        "/api/orders",
        token=live.token("customer"),
        raw=b"\x00",
        headers={"Content-Type": "application/json"},
    )

    assert (answer.status, answer.content_type) == (400, PROBLEM)
    assert "JSON" in answer.json["detail"]


def test_a_missing_nested_field_is_named_in_the_detail_and_the_errors(live: LiveApi) -> None:
    body = order_body(live.own)
    del body["site"]["name"]

    answer = live.http.post("/api/orders", live.token("customer"), body)

    assert (answer.status, answer.content_type) == (422, PROBLEM)
    assert list(answer.json["errors"]) == ["site.name"]
    assert answer.json["detail"].startswith("site.name: ")


def test_every_operation_documents_its_statuses_without_a_catch_all(live: LiveApi) -> None:
    document = live.http.get("/api/openapi.json").json
    operations: list[tuple[str, dict[str, Any]]] = [
        (f"{method.upper()} {path}", operation)
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if method != "parameters"
    ]

    assert [name for name, op in operations if "default" in op["responses"]] == []
    assert [
        name
        for name, op in operations
        if "requestBody" in op and not {"400", "413", "415", "422"} <= set(op["responses"])
    ] == []
    commands = [op for name, op in operations if name.startswith("POST /api/orders/")]
    assert all(
        {"If-Match", "Idempotency-Key"} <= {p["name"] for p in op["parameters"]} for op in commands
    )


def test_an_anonymous_request_is_unauthorised_whatever_its_body_or_query(live: LiveApi) -> None:
    typed = live.http.request(
        "POST", "/api/orders", raw=b"x", headers={"Content-Type": "text/plain"}
    )
    queried = live.http.get("/api/me?unknown=1")
    invalid = live.http.post("/api/orders", body={"quantity_m3": "lots"})

    assert [a.status for a in (typed, queried, invalid)] == [401, 401, 401]
    assert all(a.header("WWW-Authenticate") for a in (typed, queried, invalid))


def test_an_unknown_query_parameter_is_named_and_documented(live: LiveApi) -> None:
    answer = live.http.get("/api/me?colour=red", live.token("customer"))
    document = live.http.get("/api/openapi.json").json

    assert (answer.status, answer.content_type) == (422, PROBLEM)
    assert answer.json["errors"] == {"colour": ["unknown query parameter"]}
    assert "422" in document["paths"]["/api/me"]["get"]["responses"]


def test_wrong_methods_and_unknown_routes_are_problems(live: LiveApi) -> None:
    wrong = live.http.request("DELETE", "/api/orders", token=live.token("customer"))
    unknown = live.http.get("/api/nothing-here", live.token("customer"))

    assert (wrong.status, wrong.content_type) == (405, PROBLEM)
    assert set((wrong.header("Allow") or "").replace(" ", "").split(",")) >= {"GET", "POST"}
    assert (unknown.status, unknown.content_type) == (404, PROBLEM)


def test_a_body_over_the_limit_is_refused_with_413_and_records_nothing(live: LiveApi) -> None:
    limit = live.services.settings.max_body_bytes
    body = json.dumps({**order_body(live.own), "remarks": "x" * limit}).encode()
    recorded = live.services.app.recorder.max_notification_id()
    json_type = {"Content-Type": "application/json"}

    answers = [
        live.http.request("POST", path, token=token, raw=body, headers=json_type)
        for path, token in (("/api/orders", live.token("customer")), ("/api/auth/token", None))
    ]

    assert [(a.status, a.content_type) for a in answers] == [(413, PROBLEM)] * 2
    assert all(a.json["status"] == 413 for a in answers)
    assert live.services.app.recorder.max_notification_id() == recorded


def test_a_body_of_another_content_type_is_refused_with_415_and_records_nothing(
    live: LiveApi,
) -> None:
    body = json.dumps(order_body(live.own)).encode()
    recorded = live.services.app.recorder.max_notification_id()

    answers = [
        live.http.request(
            "POST", "/api/orders", token=live.token("customer"), raw=body, headers=headers
        )
        for headers in (
            {"Content-Type": "text/plain"},
            {"Content-Type": "application/x-www-form-urlencoded"},
            {},
        )
    ]
    form = live.http.request(
        "POST",
        "/api/auth/token",
        raw=b"email=a%40b.be&password=0123456789",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )

    for answer in (*answers, form):
        assert (answer.status, answer.content_type) == (415, PROBLEM)
        assert "application/json" in answer.json["detail"]
    assert live.services.app.recorder.max_notification_id() == recorded


def test_malformed_json_of_every_kind_is_a_bad_request(live: LiveApi) -> None:
    malformed = (b'{"branch_id": ', b'{"remarks": "\xff"}', b"[" * 100_000 + b"]" * 100_000)

    answers = [
        live.http.request(
            "POST",
            "/api/orders",
            token=live.token("customer"),
            raw=raw,
            headers={"Content-Type": "application/json"},
        )
        for raw in malformed
    ]

    assert [(a.status, a.content_type) for a in answers] == [(400, PROBLEM)] * 3
    assert all("JSON" in a.json["detail"] for a in answers)


def test_json_that_is_not_an_object_is_a_422(live: LiveApi) -> None:
    answers = [live.http.post("/api/orders", live.token("customer"), v) for v in ([1], "x", 3)]

    assert [(a.status, a.content_type) for a in answers] == [(422, PROBLEM)] * 3
    assert all(a.json["errors"] for a in answers)


def test_a_delivery_the_order_does_not_have_is_not_found(live: LiveApi) -> None:
    order = live.request_order()
    supplier = live.token("supplier")
    accepted = live.http.post(f"/api/orders/{order['id']}/accept", supplier, {})
    assert accepted.status == 200, accepted.body
    load = live.http.post(f"/api/orders/{order['id']}/deliveries", supplier, {"volume_m3": "6"})
    assert load.status in (200, 201), load.body
    driver = live.http.post(
        "/api/drivers", supplier, {"first_name": "Luc", "last_name": "Maes", "mobile": "0475112233"}
    ).json["id"]

    missing = live.http.patch(
        f"/api/orders/{order['id']}/deliveries/2", supplier, {"driver_id": driver}
    )
    assigned = live.http.patch(
        f"/api/orders/{order['id']}/deliveries/1", supplier, {"driver_id": driver}
    )

    assert missing.status == 404, missing.body
    assert missing.content_type == "application/problem+json"
    assert "has no delivery 2" in missing.json["detail"]
    assert assigned.status == 200, assigned.body
    assert assigned.json["deliveries"][0]["driver_id"] == driver


def test_error_paths_are_spelled_one_way_whoever_found_the_error(live: LiveApi) -> None:
    admin = live.token("supplier", "admin")
    branch = f"/api/branches/{live.own.branch_id}"

    wrong_type = live.http.patch(branch, admin, {"products": [1, 2]})  # the schema's
    unknown_code = live.http.patch(branch, admin, {"products": ["NOPE"]})  # the domain's
    whole_value = live.http.post(
        "/api/orders", live.token("customer"), order_body(live.own, site="a string")
    )
    bad_phone = live.http.post(
        "/api/contacts",
        admin,
        {
            "first_name": "Els",
            "last_name": "Wouters",
            "email": "els@example.be",
            "phone_numbers": [{"label": "gsm", "number": "0470 12 34 56"}, {"label": "x"}],
            "branch_ids": [str(live.own.branch_id)],
        },
    )

    assert wrong_type.status == unknown_code.status == whole_value.status == 422
    assert set(wrong_type.json["errors"]) == {"products[0]", "products[1]"}
    assert set(unknown_code.json["errors"]) == {"products[0]"}
    assert set(whole_value.json["errors"]) == {"site"}
    assert bad_phone.status == 422
    assert set(bad_phone.json["errors"]) == {"phone_numbers[1].number"}


def test_a_query_parameter_given_twice_is_refused_not_half_read(live: LiveApi) -> None:
    token = live.token("customer")
    live.request_order()

    twice = live.http.get("/api/orders?status=planned&status=requested", token)
    listed = live.http.get("/api/orders?status=planned,requested", token)

    assert twice.status == 422
    assert set(twice.json["errors"]) == {"status"}
    assert "comma-separated" in twice.json["errors"]["status"][0]
    assert listed.status == 200
    assert [o["status"] for o in listed.json["items"]] == ["requested"]
