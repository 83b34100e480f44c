"""Settings → Contact persons: admins add and change them, with each branch's default."""

from __future__ import annotations

from uuid import uuid4

from flask.testing import FlaskClient

from tests.web.conftest import SUPPLIER_PLANNER, Demo, csrf_token, log_in

ADMIN = "admin@betoncentrale.example.be"


def _post(client: FlaskClient, path: str, data: dict[str, object]) -> tuple[int, str]:
    token = csrf_token(client.get("/settings/contacts").get_data(as_text=True))
    response = client.post(path, data={"csrf_token": token, **data}, follow_redirects=True)
    return response.status_code, response.get_data(as_text=True)


def _branch(demo: Demo) -> str:
    return str(demo.services.read.directory.search("", limit=1)[0].branch_id)


def test_an_admin_adds_a_default_contact_and_changes_it(demo: Demo, client: FlaskClient) -> None:
    log_in(client, ADMIN)
    last = f"Contact{uuid4().hex[:6]}"
    fields: dict[str, object] = {
        "first_name": "Els",
        "last_name": last,
        "email": f"{last.lower()}@betoncentrale.example.be",
        "phone_numbers[0].label": "office",
        "phone_numbers[0].number": "09 250 12 34",
        "branch_ids": [_branch(demo)],
        "default_for_branch_ids": [_branch(demo)],
    }
    status, html = _post(client, "/settings/contacts", fields)
    assert status == 200
    assert f"Els {last}" in html
    supplier = demo.actor(ADMIN).company_id
    assert supplier is not None
    found = next(c for c in demo.services.read.settings.contacts(supplier) if c.last_name == last)
    assert [str(b) for b in found.default_for_branch_ids] == [_branch(demo)]
    status, html = _post(
        client, f"/settings/contacts/{found.contact_id}", {**fields, "job_title": "Dispatcher"}
    )
    assert "Dispatcher" in html


def test_a_wrong_email_is_shown_at_the_field(demo: Demo, client: FlaskClient) -> None:
    log_in(client, ADMIN)
    data: dict[str, object] = {
        "first_name": "Els",
        "last_name": "X",
        "email": "nope",
        "branch_ids": [_branch(demo)],
    }
    status, html = _post(client, "/settings/contacts", data)
    assert status == 422
    assert 'id="error-email"' in html


def test_a_planner_reads_contacts_without_forms(client: FlaskClient) -> None:
    log_in(client, SUPPLIER_PLANNER)
    html = client.get("/settings/contacts").get_data(as_text=True)
    assert 'action="/settings/contacts"' not in html
