"""Logging in and out of the web UI, CSRF on its forms, the API untouched by either."""

from __future__ import annotations

from flask.testing import FlaskClient

from betotrace_es.demo import DEMO_PASSWORD
from tests.web.conftest import SUPPLIER_PLANNER, csrf_token, log_in


def test_pages_need_a_login(client: FlaskClient) -> None:
    response = client.get("/orders")
    assert response.status_code == 302
    assert response.location.startswith("/login")


def test_a_wrong_password_is_refused_with_a_message(client: FlaskClient) -> None:
    token = csrf_token(client.get("/login").get_data(as_text=True))
    response = client.post(
        "/login",
        data={"email": SUPPLIER_PLANNER, "password": "not-the-password", "csrf_token": token},
        headers={"Accept-Language": "en"},
    )
    assert response.status_code == 401
    assert "Wrong e-mail address or password." in response.get_data(as_text=True)


def test_a_login_opens_the_orders_with_the_initials_menu(client: FlaskClient) -> None:
    log_in(client, SUPPLIER_PLANNER)
    html = client.get("/orders").get_data(as_text=True)
    assert 'class="avatar"' in html
    assert "/profile" in html


def test_a_form_without_its_csrf_token_is_refused(client: FlaskClient) -> None:
    response = client.post("/login", data={"email": SUPPLIER_PLANNER, "password": DEMO_PASSWORD})
    assert response.status_code == 400
    assert response.mimetype == "text/html"


def test_logout_ends_the_session(client: FlaskClient) -> None:
    log_in(client, SUPPLIER_PLANNER)
    token = csrf_token(client.get("/orders").get_data(as_text=True))
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    assert client.get("/orders").status_code == 302


def test_the_api_takes_json_without_csrf_and_answers_problems(client: FlaskClient) -> None:
    response = client.post(
        "/api/auth/token", json={"email": SUPPLIER_PLANNER, "password": DEMO_PASSWORD}
    )
    assert response.status_code == 200
    missing = client.post("/api/orders/00000000-0000-0000-0000-000000000000/nothing", json={})
    assert missing.mimetype == "application/problem+json"


def test_an_unknown_page_is_html_and_an_unknown_api_path_is_a_problem(client: FlaskClient) -> None:
    assert client.get("/no-such-page").mimetype == "text/html"
    assert client.get("/api/no-such-thing").mimetype == "application/problem+json"
