"""The web UI over a SQLite store with the demo data: one app per session, a client per test."""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, replace
from datetime import timedelta
from pathlib import Path
from uuid import UUID

import pytest
from flask import Flask
from flask.testing import FlaskClient
from playwright.sync_api import Browser, sync_playwright
from werkzeug.serving import make_server

from api import create_app
from api.services import Services, open_services
from api.settings import ApiSettings
from betotrace_es.demo import DEMO_PASSWORD, seed_demo
from betotrace_es.domain.order import Order
from betotrace_es.domain.values import Actor
from tests.builders import a_placement, a_site, in_days
from tests.web.browser import CHROMIUM, CHROMIUM_ARGS, DESKTOP, PHONE, Session

SUPPLIER_PLANNER = "planner@betoncentrale.example.be"
CUSTOMER_PLANNER = "planner@desmet.example.be"
CUSTOMER_VIEWER = "viewer@desmet.example.be"
# The HTTP settings of the web tests' servers (no map tiles: nothing asks another host).
WEB_ENV = {
    "BETOTRACE_SECRET_KEY": "web-tests-secret",
    "BETOTRACE_LOGIN_FAILURES_PER_ADDRESS": "1000",
}
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@dataclass
class Demo:
    """The demo world behind the web UI."""

    services: Services
    app: Flask

    def actor(self, email: str) -> Actor:
        """The actor of a demo login."""
        user = self.services.app.user_by_email(email)
        assert user is not None
        company = self.services.app.get_company(user.company_id)
        return Actor(user.id, company.id, company.member(user.id).role)

    def request_order(self, days: float = 4, remarks: str = "") -> Order:
        """A new order request of the customer planner to the demo's first branch."""
        customer = self.actor(CUSTOMER_PLANNER)
        branch = self.services.read.directory.search("", limit=1)[0]
        recorded = self.services.app.request_order(
            customer,
            branch_id=branch.branch_id,
            product_code=branch.products[0]["code"],
            quantity_m3="9.5",
            delivery_at=in_days(days) + timedelta(hours=1),
            placement=a_placement(),
            site=a_site(),
            customer_reference="WEB-TEST",
            remarks=remarks,
        )
        self.services.read.wait_until(recorded.position, 5)
        return recorded.aggregate


@pytest.fixture(scope="session")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    """The app over a fresh SQLite store with the demo data."""
    where: Path = tmp_path_factory.mktemp("web")
    env = {
        "PERSISTENCE_MODULE": "eventsourcing.sqlite",
        "SQLITE_DBNAME": str(where / "web.sqlite"),
        "BETOTRACE_VAR_DIR": str(where),
        **WEB_ENV,
    }
    services = open_services(env)
    seed_demo(services.app)
    services.read.wait_until(services.app.recorder.max_notification_id() or 0, 10)
    yield Demo(services, create_app(services=services))
    services.close()


def csrf_token(html: str) -> str:
    """The CSRF token of a page's first form."""
    found = CSRF.search(html)
    assert found is not None, "no form with a CSRF token"
    return found.group(1)


def log_in(client: FlaskClient, email: str, password: str = DEMO_PASSWORD) -> None:
    """Sign in through the login form."""
    token = csrf_token(client.get("/login").get_data(as_text=True))
    response = client.post(
        "/login", data={"email": email, "password": password, "csrf_token": token}
    )
    assert response.status_code == 302, response.get_data(as_text=True)


@pytest.fixture
def client(demo: Demo) -> FlaskClient:
    """A browser without a session."""
    return demo.app.test_client()


def order_url(order_id: UUID) -> str:
    """The page of an order."""
    return f"/orders/{order_id}"


# --- a real server and a real browser (tests/web/test_browser_*.py) ---------------------------


@contextmanager
def serving(app: Flask) -> Iterator[str]:
    """``app`` served by a real HTTP server on a free port of 127.0.0.1, for the block."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="web-test-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(10)
        server.server_close()


@pytest.fixture(scope="session")
def live_server(demo: Demo) -> Iterator[str]:
    """The web UI served by a real HTTP server on a free port of 127.0.0.1."""
    with serving(demo.app) as url:
        yield url


LiveServerWith = Callable[[Mapping[str, str]], AbstractContextManager[str]]


@pytest.fixture
def live_server_with(demo: Demo) -> LiveServerWith:
    """A live server whose HTTP settings come from these ``BETOTRACE_*`` variables.

    Cheap: a second Flask app over the same store and read models, only its settings differ.
    """

    @contextmanager
    def start(env: Mapping[str, str]) -> Iterator[str]:
        settings = ApiSettings.from_env({**WEB_ENV, **env})
        app = create_app(services=replace(demo.services, settings=settings))
        with serving(app) as url:
            yield url

    return start


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Headless Debian Chromium (never a downloaded one)."""
    if not Path(CHROMIUM).exists():
        if "CI" in os.environ:
            pytest.fail(f"no Chromium at {CHROMIUM} (apt-get install chromium)", pytrace=False)
        pytest.skip(f"browser tests NOT RUN: no Chromium at {CHROMIUM} (apt-get install chromium)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


ADMIN = "admin@betoncentrale.example.be"  # the demo supplier's admin


@pytest.fixture(scope="module")
def admin(browser: Browser, live_server: str) -> Iterator[Session]:
    """The supplier's admin, on a desktop (one sign-in for the module: it keeps the tests fast)."""
    session = Session(browser, live_server, ADMIN, DESKTOP)
    yield session
    session.close()


@pytest.fixture(scope="module")
def admin_on_a_phone(browser: Browser, live_server: str) -> Iterator[Session]:
    """The supplier's admin, on a 375 px wide phone."""
    session = Session(browser, live_server, ADMIN, PHONE)
    yield session
    session.close()
