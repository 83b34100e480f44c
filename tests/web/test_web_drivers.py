"""Settings → Drivers: add, change, errors at the field; planners yes, viewers read, customers no."""

from __future__ import annotations

import re
from uuid import uuid4

from flask.testing import FlaskClient

from tests.web.conftest import CUSTOMER_PLANNER, SUPPLIER_PLANNER, Demo, csrf_token, log_in

SUPPLIER_VIEWER = "viewer@betoncentrale.example.be"


def _post(client: FlaskClient, path: str, **fields: str) -> tuple[int, str]:
    token = csrf_token(client.get("/settings/drivers").get_data(as_text=True))
    response = client.post(path, data={"csrf_token": token, **fields}, follow_redirects=True)
    return response.status_code, response.get_data(as_text=True)


def test_a_planner_adds_and_changes_a_driver(demo: Demo, client: FlaskClient) -> None:
    log_in(client, SUPPLIER_PLANNER)
    last = f"Driver{uuid4().hex[:6]}"
    status, html = _post(
        client, "/settings/drivers", first_name="Dirk", last_name=last, mobile="0475 11 22 33"
    )
    assert status == 200
    assert f"Dirk {last}" in html
    ident = next(
        str(d.driver_id)
        for d in demo.services.read.settings.drivers(demo.actor(SUPPLIER_PLANNER).company_id)  # type: ignore[arg-type]
        if d.last_name == last
    )
    status, html = _post(
        client,
        f"/settings/drivers/{ident}",
        first_name="Dirk",
        last_name=last,
        mobile="0475 11 22 44",
    )
    assert "+32 475 11 22 44" in html
    assert re.search(rf"Dirk {last}</div></td>(?:(?!</tr>).)*Niet actief", html, re.S)


def test_a_wrong_mobile_number_is_shown_at_the_field(client: FlaskClient) -> None:
    log_in(client, SUPPLIER_PLANNER)
    status, html = _post(client, "/settings/drivers", first_name="Dirk", last_name="X", mobile="12")
    assert status == 422
    assert 'id="error-mobile"' in html
    status, html = _post(client, "/settings/drivers", first_name="", last_name="X", mobile="12")
    assert 'id="error-first_name"' in html


def test_a_viewer_reads_the_drivers_without_forms(client: FlaskClient) -> None:
    log_in(client, SUPPLIER_VIEWER)
    html = client.get("/settings/drivers").get_data(as_text=True)
    assert "/settings/drivers/" not in html
    assert 'action="/settings/drivers"' not in html


def test_a_customer_has_no_drivers_screen(client: FlaskClient) -> None:
    log_in(client, CUSTOMER_PLANNER)
    assert client.get("/settings/drivers").status_code == 403
