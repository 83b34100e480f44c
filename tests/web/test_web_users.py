"""Settings → Users: admins invite and change colleagues, never the last admin; others read."""

from __future__ import annotations

import re
from uuid import uuid4

from flask.testing import FlaskClient

from betotrace_es.domain.values import Role
from tests.web.conftest import CUSTOMER_PLANNER, Demo, csrf_token, log_in

ADMIN = "admin@desmet.example.be"


def _post(client: FlaskClient, path: str, **fields: str) -> tuple[int, str]:
    token = csrf_token(client.get("/settings/users").get_data(as_text=True))
    response = client.post(path, data={"csrf_token": token, **fields}, follow_redirects=True)
    return response.status_code, response.get_data(as_text=True)


def test_an_admin_invites_a_colleague_and_sees_the_link(client: FlaskClient) -> None:
    log_in(client, ADMIN)
    email = f"new-{uuid4().hex[:8]}@desmet.example.be"
    status, html = _post(client, "/settings/users", email=email, role="viewer")
    assert status == 200
    assert re.search(r"/invitations/[\w.-]+", html)
    assert email in html


def test_a_wrong_address_is_shown_at_the_field(client: FlaskClient) -> None:
    log_in(client, ADMIN)
    status, html = _post(client, "/settings/users", email="not-an-address", role="viewer")
    assert status == 422
    assert 'id="error-email"' in html


def test_an_admin_changes_a_role_and_deactivates(demo: Demo, client: FlaskClient) -> None:
    email = f"temp-{uuid4().hex[:8]}@desmet.example.be"
    user = demo.services.app.invite_user(demo.actor(ADMIN), email, Role.VIEWER).aggregate
    demo.services.app.accept_invitation(
        user.id, first_name="Tim", last_name="Temp", password_hash="h"
    )
    log_in(client, ADMIN)
    _post(client, f"/settings/users/{user.id}", role="planner")
    member = demo.services.app.get_company(user.company_id).member(user.id)
    assert member.role is Role.PLANNER
    assert member.status.value == "inactive"


def test_a_planner_reads_the_users_without_forms(client: FlaskClient) -> None:
    log_in(client, CUSTOMER_PLANNER)
    html = client.get("/settings/users").get_data(as_text=True)
    assert ADMIN in html
    assert 'action="/settings/users"' not in html
