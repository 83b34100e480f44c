"""An invitation link: the invitee sets name and password and is signed in; the link works once."""

from __future__ import annotations

from uuid import uuid4

from flask.testing import FlaskClient

from api.auth import invitation_link
from betotrace_es.domain.values import Role
from tests.web.conftest import Demo, csrf_token

CUSTOMER_ADMIN = "admin@desmet.example.be"


def _invite(demo: Demo) -> str:
    email = f"site-{uuid4().hex[:8]}@desmet.example.be"
    user = demo.services.app.invite_user(demo.actor(CUSTOMER_ADMIN), email, Role.PLANNER).aggregate
    company = demo.services.app.get_company(user.company_id)
    expires = company.member(user.id).invitation_expires_at
    assert expires is not None
    link = invitation_link(demo.services, user.id, expires)
    return link.removeprefix(demo.services.settings.base_url)


def _accept(client: FlaskClient, path: str, password: str, again: str) -> tuple[int, str]:
    token = csrf_token(client.get(path).get_data(as_text=True))
    response = client.post(
        path,
        data={
            "csrf_token": token,
            "first_name": "Sara",
            "last_name": "Site",
            "password": password,
            "password_again": again,
        },
    )
    return response.status_code, response.get_data(as_text=True)


def test_an_invitee_sets_a_password_and_is_signed_in(demo: Demo, client: FlaskClient) -> None:
    path = _invite(demo)
    status, _ = _accept(client, path, "a-long-password", "a-long-password")
    assert status == 302
    assert "SS" in client.get("/orders").get_data(as_text=True)  # the initials
    assert client.get(path).status_code == 410  # used once, never again


def test_a_short_or_mistyped_password_is_shown_at_its_field(
    demo: Demo, client: FlaskClient
) -> None:
    path = _invite(demo)
    status, html = _accept(client, path, "short", "short")
    assert status == 422
    assert 'id="error-password"' in html
    status, html = _accept(client, path, "a-long-password", "a-long-passw0rd")
    assert 'id="error-password_again"' in html


def test_a_forged_link_is_not_found(client: FlaskClient) -> None:
    assert client.get("/invitations/not-a-token").status_code == 404
