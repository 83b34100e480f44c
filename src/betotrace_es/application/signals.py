"""In-process signals. They wake things up; the event store keeps the facts."""

from __future__ import annotations

from blinker import Namespace

betotrace_signals = Namespace()

# Sent after a command's events were recorded, with ``position``: the last notification id.
events_recorded = betotrace_signals.signal("events-recorded")
