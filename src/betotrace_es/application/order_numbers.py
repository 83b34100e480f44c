"""Issuing order numbers: unique per year, from blocks each process reserves in the store."""

from __future__ import annotations

import itertools
import random
import time
from collections import deque
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
BLOCK = 20  # numbers a process reserves at a time: the largest gap a restart can leave
SNAPSHOT_EVERY = 100  # reservations between snapshots of a year's sequence
RETRY_BUDGET_SECONDS = 10.0
PROVISIONAL = "BT-{year}-000000"  # never issued: numbers start at 1


class OrderNumberIssuer:
    """Gives each order the next number of this process's reserved block.

    A block is reserved by saving a ``NumbersReserved`` event on the year's sequence; two
    processes reserving at once collide on the sequence's version, and the loser reloads
    it and reserves the next block. Orders are then saved on their own: requests in
    different processes never wait for each other, and a number can only be given once
    (the order's id is derived from its number, so the store refuses a second order with
    it). A refused request gives its number back.
    """

    def __init__(self, app: BetotraceBase) -> None:
        self._app = app
        self._lock = Lock()
        self._sequences: dict[int, OrderNumberSequence] = {}
        self._free: dict[int, deque[int]] = {}
        recorder = app.factory.aggregate_recorder(purpose="snapshots")
        self._snapshots = app.factory.event_store(mapper=app.mapper, recorder=recorder)
        self._repository: Repository[UUID] = Repository(
            event_store=app.events, snapshot_store=self._snapshots
        )

    def request(
        self, actor: Actor, now: datetime, build: Callable[[str], Order]
    ) -> tuple[Order, int]:
        """Build the order with the next number and save it; returns the order and position."""
        year = now.astimezone(PLATFORM_ZONE).year
        for _ in range(BLOCK):
            running = self._take(actor, year, build)
            try:
                order = build(self._sequences[year].number(running))
                position = self._app.record(order)
            except ConflictError:
                continue  # the number is taken after all (a save that did reach the store)
            except BaseException:
                self._give_back(year, running)  # refused or failed: nothing was saved
                raise
            return order, position
        raise ConflictError("no free order number could be given; please try again")

    def _take(self, actor: Actor, year: int, build: Callable[[str], Order]) -> int:
        with self._lock:
            free = self._free.setdefault(year, deque())
            if not free:
                build(PROVISIONAL.format(year=year))  # a refused request reserves nothing either
                free.extend(self._reserve(actor, year))
            return free.popleft()

    def _give_back(self, year: int, running: int) -> None:
        with self._lock:
            self._free.setdefault(year, deque()).appendleft(running)

    def _reserve(self, actor: Actor, year: int) -> range:
        """Reserve the next block in the store (the caller holds the lock)."""
        deadline = time.monotonic() + RETRY_BUDGET_SECONDS
        for attempt in itertools.count():
            sequence = deepcopy(self._sequence(actor, year))
            block = sequence.reserve(actor, BLOCK)
            try:
                self._app.record(sequence)
            except ConflictError:
                self._fast_forward(year)
            else:
                self._sequences[year] = sequence
                if sequence.version % SNAPSHOT_EVERY == 0:
                    self._snapshots.put([Snapshot.take(sequence)])
                return block
            if time.monotonic() > deadline:
                raise ConflictError("too many orders are being requested at once; please try again")
            # Another process reserved first: step aside briefly (jittered), then retry.
            time.sleep(random.uniform(0, min(0.002 * 2**attempt, 0.1)))  # noqa: S311
        raise AssertionError("unreachable")  # pragma: no cover

    def _fast_forward(self, year: int) -> None:
        """Apply the reservations other processes made to the cached sequence."""
        cached = self._sequences.get(year)
        if cached is None or cached.pending_events:
            self._sequences.pop(year, None)  # never saved by us: load it whole
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
