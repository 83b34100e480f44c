"""Settings → Branches: admins add and change plants; errors at their fields; others read."""

from __future__ import annotations

from uuid import uuid4

from flask.testing import FlaskClient

from tests.web.conftest import SUPPLIER_PLANNER, Demo, csrf_token, log_in

ADMIN = "admin@betoncentrale.example.be"


def _post(client: FlaskClient, path: str, data: dict[str, object]) -> tuple[int, str]:
    token = csrf_token(client.get("/settings/branches").get_data(as_text=True))
    response = client.post(path, data={"csrf_token": token, **data}, follow_redirects=True)
    return response.status_code, response.get_data(as_text=True)


def _fields(demo: Demo, name: str) -> dict[str, object]:
    product = demo.services.read.directory.search("", limit=1)[0].products[0]["code"]
    return {
        "public_name": name,
        "address.street": "Industrieweg",
        "address.number": "7",
        "address.postal_code": "3500",
        "address.city": "Hasselt",
        "location.lat": "50,93",
        "location.lon": "5,33",
        "products": [product],
    }


def test_an_admin_adds_and_closes_a_branch(demo: Demo, client: FlaskClient) -> None:
    log_in(client, ADMIN)
    name = f"Centrale Hasselt {uuid4().hex[:6]}"
    status, html = _post(client, "/settings/branches", _fields(demo, name))
    assert status == 200
    assert name in html
    branch = next(
        e for e in demo.services.read.directory.search(name[:16], limit=50) if e.public_name == name
    )
    _post(
        client, f"/settings/branches/{branch.branch_id}", _fields(demo, name)
    )  # unchecked: closed
    assert demo.services.read.directory.get(branch.branch_id) is None


def test_a_taken_name_and_a_bad_address_are_shown_at_their_fields(
    demo: Demo, client: FlaskClient
) -> None:
    log_in(client, ADMIN)
    taken = demo.services.read.directory.search("", limit=1)[0].public_name
    status, html = _post(client, "/settings/branches", _fields(demo, taken.upper()))
    assert status == 422
    assert 'id="error-public_name"' in html
    fields = {**_fields(demo, f"Centrale {uuid4().hex[:6]}"), "address.city": ""}
    status, html = _post(client, "/settings/branches", fields)
    assert 'id="error-address-city"' in html


def test_a_planner_reads_the_branches_without_forms(client: FlaskClient) -> None:
    log_in(client, SUPPLIER_PLANNER)
    html = client.get("/settings/branches").get_data(as_text=True)
    assert 'action="/settings/branches"' not in html
