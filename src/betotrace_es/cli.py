"""Command line of the core: ``python -m betotrace_es.cli run | demo-data``."""

from __future__ import annotations

import argparse
import sys

from betotrace_es.application import Betotrace, open_application
from betotrace_es.application.signals import events_recorded
from betotrace_es.config import backend_name, store_env
from betotrace_es.demo import CUSTOMER_ADMIN, DEMO_PASSWORD, SUPPLIER_ADMIN, seed_demo
from betotrace_es.domain.values import CompanyKind, Party
from projections.order_list.projection import ACTION
from projections.read_side import ReadModels


def demo_data(app: Betotrace) -> None:
    """Load the demo data if it is not there yet and print the logins."""
    logins = seed_demo(app)
    if logins is None:
        print("Demo data already loaded.")
        return
    print(f"Demo data loaded. Every demo user's password is: {DEMO_PASSWORD}")
    for login in logins:
        print(f"  {login.email:<40} {login.role:<8} {login.company}")


def run(app: Betotrace) -> None:
    """Prepare the embedded store with demo data, bring the read models up, show the lists."""
    read = ReadModels.embedded(app.factory, app.recorder, app.mapper)
    events_recorded.connect(read.events_recorded, sender=app)
    read.start()
    try:
        demo_data(app)
        read.wait_until(app.recorder.max_notification_id() or 0, timeout=30)
        for email in (SUPPLIER_ADMIN, CUSTOMER_ADMIN):
            _print_order_list(app, read, email)
    finally:
        events_recorded.disconnect(read.events_recorded, sender=app)
        read.stop()
    print(
        "\nReplay any order's history: .venv/bin/python scripts/replay_order.py BT-<year>-000001"
        "\nThe HTTP API and web UI are not built yet (issues 4 and 6);"
        " this command prepares their store and read models."
    )


def _print_order_list(app: Betotrace, read: ReadModels, email: str) -> None:
    """One company's order list as its users will see it, from the order-list read model."""
    user = app.user_by_email(email)
    if user is None:
        return
    company = app.get_company(user.company_id)
    side = Party.SUPPLIER if company.kind is CompanyKind.SUPPLIER else Party.CUSTOMER
    counts = read.orders.counts(company.id)
    print(f"\nOrders of {company.legal_name} ({side.value}), {counts[ACTION]} waiting for you:")
    for item in read.orders.orders(company.id, side).items:
        waiting = "YOU" if item.action_needed_by is side else "-"
        label = item.status_label("en")
        print(
            f"  {item.number}  {label:<28} action: {waiting:<4} {item.delivery_at:%Y-%m-%d %H:%M} UTC"
        )


def main(argv: list[str] | None = None) -> int:
    """Entry point."""
    parser = argparse.ArgumentParser(prog="betotrace")
    parser.add_argument("command", choices=["run", "demo-data"])
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    settings = store_env()
    where = settings.get("SQLITE_DBNAME") or settings.get("POSTGRES_HOST", "")
    print(f"Betotrace store: {backend_name(settings)} {where}")
    app = open_application()
    try:
        (run if args.command == "run" else demo_data)(app)
    finally:
        app.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
