"""Command line of the core: ``python -m betotrace_es.cli run | demo-data``."""

from __future__ import annotations

import argparse
import sys

from betotrace_es.application import Betotrace, open_application
from betotrace_es.config import backend_name, store_env
from betotrace_es.demo import DEMO_PASSWORD, seed_demo
from betotrace_es.domain.order import Order
from betotrace_es.domain.values import Actor


def _orders(app: Betotrace) -> list[Order]:
    """Every order in the store, oldest first (a projection will replace this scan)."""
    topic = "betotrace_es.domain.order:Order.Requested"
    found, start = [], 1
    while page := app.recorder.select_notifications(start=start, limit=1000, topics=[topic]):
        found += [app.get_order(Actor.system(), n.originator_id) for n in page]
        start = page[-1].id + 1
    return found


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
    """Prepare the embedded store with demo data and show what is in it."""
    demo_data(app)
    print("\nOrders in the store:")
    for order in _orders(app):
        waiting = order.action_needed_by.value if order.action_needed_by else "-"
        label = order.status_label("en")
        print(f"  {order.number}  {label:<28} action: {waiting:<8} {order.site.name}")
    print(
        "\nReplay any order's history: .venv/bin/python scripts/replay_order.py BT-<year>-000001"
        "\nThe HTTP API and web UI are not built yet (issues 4 and 6);"
        " this command prepares their store."
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
