#!/usr/bin/env python3
"""The e-mail outbox, for an operator.

    scripts/outbox.py list [--status pending|sent|dead|skipped] [--limit N]
    scripts/outbox.py retry [MESSAGE_ID ...]      # dead messages (all, or these) go out again

Uses the store the environment names, like every other command.
"""

from __future__ import annotations

import argparse
import sys

from betotrace_es.mail.sender import now_us
from projections.framework.wiring import open_read_side
from projections.notifications.outbox import DEAD, PENDING, SENT, SKIPPED, OutboxStore


def main(argv: list[str] | None = None) -> int:
    """List the outbox or put dead messages back in it."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    commands = parser.add_subparsers(dest="command", required=True)
    listing = commands.add_parser("list", help="messages, oldest first, and counts per status")
    listing.add_argument("--status", choices=[PENDING, SENT, DEAD, SKIPPED], default=None)
    listing.add_argument("--limit", type=int, default=100)
    retry = commands.add_parser("retry", help="dead messages become due now, attempts reset")
    retry.add_argument("message_ids", nargs="*")
    args = parser.parse_args(argv)
    outbox = OutboxStore(open_read_side().store)
    outbox.ensure_tables()
    if args.command == "retry":
        print(f"{outbox.retry(now_us(), args.message_ids or None)} messages will be sent again")
        return 0
    for m in outbox.messages(args.status, args.limit):
        error = f"  {m.last_error}" if m.last_error else ""
        print(
            f"{m.message_id}  {m.status:<7} {m.attempts:>2}x  {m.kind:<20} {m.language} "
            f"{m.recipient}  next {m.next_attempt_at:%Y-%m-%d %H:%M:%S}Z{error}"
        )
    counts = outbox.counts()
    print(
        "  ".join(f"{status}: {counts.get(status, 0)}" for status in (PENDING, SENT, DEAD, SKIPPED))
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
