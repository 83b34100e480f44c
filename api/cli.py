"""The ``betotrace`` command: create companies, load the demo, serve the API."""

from __future__ import annotations

import contextlib
import logging
import os
from typing import Any

import click
from flask import Flask

from api.services import mail_sender, open_services
from api.settings import ApiSettings
from betotrace_es.application import Betotrace, open_application
from betotrace_es.config import backend_name, store_env
from betotrace_es.demo import DEMO_PASSWORD, demo_logins, seed_demo
from betotrace_es.domain.people import Profile
from betotrace_es.domain.values import Actor, CompanyKind
from betotrace_es.passwords import hash_password


def _where() -> str:
    settings = store_env()
    place = settings.get("SQLITE_DBNAME") or settings.get("POSTGRES_HOST", "")
    return f"{backend_name(settings)} {place}".strip()


def _print_logins() -> None:
    click.echo(f"Demo logins (password for all: {DEMO_PASSWORD}):")
    for login in demo_logins():
        click.echo(f"  {login.email:<40} {login.role:<8} {login.company}")


def _load_demo(app: Betotrace) -> None:
    if seed_demo(app) is None:
        click.echo("Demo data already loaded.")
    else:
        click.echo("Demo data loaded.")


@click.group()
def main() -> None:
    """Betotrace: ordering ready-mixed concrete (configuration: environment variables)."""
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )


@main.command("create-company")
@click.option("--kind", type=click.Choice(["supplier", "customer"]), required=True)
@click.option("--name", "legal_name", required=True, help="legal name")
@click.option("--vat", required=True, help="VAT number, e.g. BE0123456789")
@click.option("--admin-email", required=True)
@click.option("--admin-password", required=True)
@click.option("--admin-first-name", default="Admin", show_default=True)
@click.option("--admin-last-name", default=None, help="default: the company's name")
def create_company(
    kind: str,
    legal_name: str,
    vat: str,
    admin_email: str,
    admin_password: str,
    admin_first_name: str,
    admin_last_name: str | None,
) -> None:
    """Register a company with its first admin; prints the ids."""
    from betotrace_es.domain.exceptions import DomainError

    app = open_application()
    try:
        company = app.register_company(
            Actor.system(),
            kind=CompanyKind(kind),
            legal_name=legal_name,
            vat_number=vat,
            admin_email=admin_email,
            admin_profile=Profile.parse(
                first_name=admin_first_name, last_name=admin_last_name or legal_name
            ),
            admin_password_hash=hash_password(admin_password, "admin_password"),
        ).aggregate
    except DomainError as error:
        raise click.ClickException(error.message) from None
    finally:
        app.close()
    admin_id = next(iter(company.members))
    click.echo(f"company_id={company.id}")
    click.echo(f"admin_user_id={admin_id}")


@main.command("demo-data")
def demo_data() -> None:
    """Load the demo data (once) and print the logins."""
    click.echo(f"Betotrace store: {_where()}")
    app = open_application()
    try:
        _load_demo(app)
    finally:
        app.close()
    _print_logins()


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", default=None, type=int, help="processes (default 1 on SQLite, 2 else)")
@click.option("--threads", default=8, show_default=True, type=int)
def serve(host: str, port: int, workers: int | None, threads: int) -> None:
    """Serve the API with gunicorn (threads; several workers on PostgreSQL)."""
    _serve(host, port, workers, threads)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
def run(host: str, port: int) -> None:
    """Load the demo data on first start, then serve (what ``make run`` does)."""
    click.echo(f"Betotrace store: {_where()}")
    app = open_application()
    try:
        _load_demo(app)
    finally:
        app.close()
    _print_logins()
    _serve(host, port, None, 8)


@main.command("send-mail")
@click.option("--once", is_flag=True, help="send what is due now, then exit")
def send_mail(once: bool) -> None:
    """Deliver the e-mail outbox (run beside the API with BETOTRACE_MAIL_SENDER=external)."""
    from betotrace_es.mail.settings import MailSettings
    from projections.framework.wiring import open_read_side

    side = open_read_side()
    sender = mail_sender(side.store, ApiSettings.from_env(), MailSettings.from_env())
    if once:
        click.echo(f"{sender.send_all_due()} mails sent")
        return
    click.echo("Sending mail from the outbox; Ctrl-C stops.")
    with contextlib.suppress(KeyboardInterrupt):
        sender.run_forever()


def _create_tables_before_forking() -> None:
    """Create every table once, in this process, and tell the workers not to.

    Workers started together would each create the tables of a new store at the same
    moment; on PostgreSQL concurrent ``CREATE TABLE IF NOT EXISTS`` of one table fails
    ("tuple concurrently updated"), a worker dies and gunicorn halts.
    """
    open_services().close()
    # The prefixed name wins over CREATE_TABLE (eventsourcing reads it first).
    os.environ["BETOTRACE_CREATE_TABLE"] = "n"


def _serve(host: str, port: int, workers: int | None, threads: int) -> None:
    from gunicorn.app.base import BaseApplication

    sqlite = backend_name(store_env()) == "sqlite"
    count = workers or (1 if sqlite else 2)
    base = f"http://{host}:{port}"
    click.echo(f"Web UI: {base}/  (log in with an e-mail address above, or any user of yours)")
    click.echo(f"Serving {base}  (API docs: {base}/api/docs, OpenAPI: {base}/api/openapi.json)")
    click.echo("Log in: POST /api/auth/token {email, password} → Authorization: Bearer <token>")
    os.environ.setdefault("BETOTRACE_BASE_URL", base)
    if count > 1:
        _create_tables_before_forking()

    class Server(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            options: dict[str, Any] = {
                "bind": f"{host}:{port}",
                "workers": count,
                "threads": threads,
                "worker_class": "gthread",
                "accesslog": "-",
                "timeout": 60,
                "graceful_timeout": 10,
                "control_socket_disable": True,
            }
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self) -> Flask:
            from api import create_app

            return create_app(services=open_services())

    Server().run()
