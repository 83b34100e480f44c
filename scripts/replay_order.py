#!/usr/bin/env python3
"""Audit replay: print an order's events as a timeline and its state at a version or moment.

    scripts/replay_order.py BT-2026-000123
    scripts/replay_order.py BT-2026-000123 --at-version 3
    scripts/replay_order.py 0b9e...-uuid --at 2026-12-03T14:00:00+01:00

Reads the store configured by the environment (SQLite in var/ when nothing is set).
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime
from uuid import UUID

from betotrace_es.application import open_application
from betotrace_es.application.audit import HistoryEntry, OrderHistory, describe_order
from betotrace_es.domain.exceptions import DomainError
from betotrace_es.domain.values import Actor


def parse_args(argv: list[str]) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("order", help="order number (BT-2026-000123) or order id (UUID)")
    point = parser.add_mutually_exclusive_group()
    point.add_argument("--at-version", type=int, metavar="N", help="state after event N")
    point.add_argument(
        "--at", type=datetime.fromisoformat, metavar="ISO-TIME", help="state at that moment"
    )
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")
    return parser.parse_args(argv)


def order_ref(text: str) -> UUID | str:
    """A UUID when the text is one, else an order number."""
    try:
        return UUID(text)
    except ValueError:
        return text


def entry_line(entry: HistoryEntry, marked: bool) -> str:
    """One line of the timeline, then its data indented."""
    who = (
        entry.actor.name
        if entry.actor.name == entry.actor.company
        else f"{entry.actor.name} ({entry.actor.company})"
    )
    when = entry.recorded_at.isoformat(timespec="seconds")
    data = ", ".join(
        f"{k}={json.dumps(v, ensure_ascii=False)}"
        for k, v in entry.data.items()
        if v not in (None, "", [])
    )
    mark = ">" if marked else " "
    return f"{mark} v{entry.version:<3} {when}  {entry.type:<28} {who}\n        {data}"


def render(history: OrderHistory) -> str:
    """The timeline and, if asked for, the state at that point."""
    upto = history.state_version
    lines = [f"Order {history.number} ({history.order_id}): {len(history.entries)} events"]
    lines += [entry_line(e, upto is not None and e.version <= upto) for e in history.entries]
    if history.state is not None:
        lines.append(f"\nState at version {upto} (events marked > above):")
        lines += [
            f"  {k}: {json.dumps(v, ensure_ascii=False)}"
            for k, v in describe_order(history.state).items()
        ]
    return "\n".join(lines)


def as_json(history: OrderHistory) -> str:
    """The same as JSON."""
    return json.dumps(
        {
            "order_id": str(history.order_id),
            "number": history.number,
            "events": [
                {
                    "version": e.version,
                    "type": e.type,
                    "recorded_at": e.recorded_at.isoformat(),
                    "actor": {
                        "user_id": str(e.actor.user_id),
                        "name": e.actor.name,
                        "company": e.actor.company,
                    },
                    "data": e.data,
                }
                for e in history.entries
            ],
            "state": None if history.state is None else describe_order(history.state),
        },
        indent=2,
        ensure_ascii=False,
    )


def main(argv: list[str] | None = None) -> int:
    """Print the replay; exit 1 with a message when the order or the point is unknown."""
    args = parse_args(sys.argv[1:] if argv is None else argv)
    app = open_application()
    try:
        history = app.order_history(
            Actor.system(), order_ref(args.order), at_version=args.at_version, at=args.at
        )
    except DomainError as exc:
        print(f"replay_order: {exc.message}", file=sys.stderr)
        return 1
    finally:
        app.close()
    print(as_json(history) if args.json else render(history))
    return 0


if __name__ == "__main__":
    sys.exit(main())
