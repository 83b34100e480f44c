"""Issuing order numbers: contiguous per year, saved atomically with the order they name."""

from __future__ import annotations

import itertools
import random
import time
from collections.abc import Callable
from copy import deepcopy
from datetime import datetime
from threading import Lock
from typing import TYPE_CHECKING, cast
from uuid import UUID
from zoneinfo import ZoneInfo

from eventsourcing.application import AggregateNotFoundError, Repository
from eventsourcing.domain import Snapshot

from betotrace_es.domain.exceptions import ConflictError
from betotrace_es.domain.order import Order
from betotrace_es.domain.registry import OrderNumberSequence, order_number_sequence_id
from betotrace_es.domain.values import Actor

if TYPE_CHECKING:
    from betotrace_es.application.base import BetotraceBase

PLATFORM_ZONE = ZoneInfo("Europe/Brussels")
SNAPSHOT_EVERY = 1000
RETRY_BUDGET_SECONDS = 10.0


class OrderNumberIssuer:
    """Keeps each year's sequence in memory and saves each number with its order.

    The sequence is only trusted until a save conflicts (another process issued a number
    first); then it is fast-forwarded from the store and the request is tried again. A
    snapshot every thousand numbers keeps loading the sequence cheap after a restart.
    """

    def __init__(self, app: BetotraceBase) -> None:
        self._app = app
        self._lock = Lock()
        self._sequences: dict[int, OrderNumberSequence] = {}
        recorder = app.factory.aggregate_recorder(purpose="snapshots")
        self._snapshots = app.factory.event_store(mapper=app.mapper, recorder=recorder)
        self._repository: Repository[UUID] = Repository(
            event_store=app.events, snapshot_store=self._snapshots
        )

    def request(
        self, actor: Actor, now: datetime, build: Callable[[str], Order]
    ) -> tuple[Order, int]:
        """Build the order with the next number and save both; returns the order and position."""
        year = now.astimezone(PLATFORM_ZONE).year
        deadline = time.monotonic() + RETRY_BUDGET_SECONDS
        for attempt in itertools.count():
            with self._lock:
                sequence = deepcopy(self._sequence(actor, year))
                order = build(sequence.issue(actor))
                try:
                    position = self._app.record(order, sequence)
                except ConflictError:
                    self._fast_forward(year)
                else:
                    self._sequences[year] = sequence
                    break
            if time.monotonic() > deadline:
                raise ConflictError("too many orders are being requested at once; please try again")
            # Another process issued the same number: step aside briefly (jittered), then retry.
            time.sleep(random.uniform(0, min(0.002 * 2**attempt, 0.1)))  # noqa: S311
        if sequence.last % SNAPSHOT_EVERY == 0:
            self._snapshots.put([Snapshot.take(sequence)])
        return order, position

    def _fast_forward(self, year: int) -> None:
        """Apply the numbers other processes issued to the cached sequence."""
        cached = self._sequences.get(year)
        if cached is None or cached.pending_events:  # it was never saved by us: load it whole
            self._sequences.pop(year, None)
            return
        for event in self._app.events.get(cached.id, gt=cached.version):
            cast("OrderNumberSequence.Event", event).mutate(cached)

    def _sequence(self, actor: Actor, year: int) -> OrderNumberSequence:
        cached = self._sequences.get(year)
        if cached is not None:
            return cached
        try:
            loaded: object = self._repository.get(order_number_sequence_id(year))
        except AggregateNotFoundError:
            loaded = OrderNumberSequence.start(actor, year)
        assert isinstance(loaded, OrderNumberSequence)
        self._sequences[year] = loaded
        return loaded
