"""The one event-sourced application: a totally ordered log of every Betotrace event."""

from __future__ import annotations

import contextlib
import time
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, ClassVar, Generic, TypeVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application, LRUCache
from eventsourcing.persistence import IntegrityError, JSONTranscoder
from eventsourcing.utils import Environment, EnvType

from betotrace_es.application.signals import events_recorded
from betotrace_es.config import APPLICATION_NAME, refuse_unsafe_settings
from betotrace_es.domain.base import BetotraceAggregate
from betotrace_es.domain.exceptions import ConflictError, NotFoundError, StaleVersionError
from betotrace_es.transcodings import register_transcodings

A = TypeVar("A", bound=BetotraceAggregate)

# How old (seconds) reference data read on a hot path may be when another process changed it.
REFERENCE_MAX_AGE = 1.0

# The log position of the last events recorded in this context (a request's thread): what the
# API answers every command with as X-Position. Whoever reads it resets it first (0: nothing).
last_position: ContextVar[int] = ContextVar("betotrace_last_position", default=0)


@dataclass(frozen=True)
class Recorded(Generic[A]):
    """The outcome of a command: the aggregate as saved and the log position of its last event."""

    aggregate: A
    position: int


class BetotraceBase(Application[UUID]):
    """Shared plumbing of the command handlers: typed loading, saving, conflict translation."""

    name = APPLICATION_NAME
    # Defaults; the environment overrides them (README "Configuration").
    env: ClassVar[dict[str, str]] = {
        "CREATE_TABLE": "y",
        "AGGREGATE_CACHE_MAXSIZE": "2000",
        "AGGREGATE_CACHE_FASTFORWARD": "y",
    }

    def __init__(self, env: EnvType | None = None) -> None:
        super().__init__(env)
        # When each reference aggregate was last read from the store (see load_reference).
        self._read_at: LRUCache[UUID, float] = LRUCache(maxsize=10_000)

    def construct_env(self, name: str, env: EnvType | None = None) -> Environment:
        """The library's settings, refusing those that would lose events."""
        environment = super().construct_env(name, env)
        refuse_unsafe_settings(environment.get)
        return environment

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        """The library's own transcodings plus every Betotrace value type."""
        super().register_transcodings(transcoder)
        register_transcodings(transcoder)

    def load(
        self,
        cls: type[A],
        aggregate_id: UUID,
        what: str,
        version: int | None = None,
        *,
        copy: bool = True,
    ) -> A:
        """The aggregate of type ``cls``; anything else, or nothing, is 'not found'.

        ``copy=False`` hands out the cached object itself: only for aggregates the caller
        reads and never changes (it saves a deep copy on every command's hot path).
        """
        try:
            aggregate: object = self.repository.get(
                aggregate_id, version=version, deepcopy_from_cache=copy
            )
        except AggregateNotFoundError:
            raise NotFoundError(f"{what} not found") from None
        if not isinstance(aggregate, cls):
            raise NotFoundError(f"{what} not found")
        return aggregate

    def load_reference(self, cls: type[A], aggregate_id: UUID, what: str) -> A:
        """An aggregate read for what it shows (names, contact details) or for a fact that
        does not change (a company's kind), not copied.

        It is asked from the store at most once per ``REFERENCE_MAX_AGE`` seconds: a change
        made by another process is seen within that time, one made by this process at once.
        What a command decides on (is the branch open, the product on sale, the driver
        active) is read with ``load`` instead, as the store has it now.
        """
        cache = self.repository.cache
        started = time.monotonic()
        try:
            read_at = self._read_at.get(aggregate_id)
            if cache is not None and started - read_at < REFERENCE_MAX_AGE:
                cached = cache.get(aggregate_id)
                if isinstance(cached, cls):
                    return cached
        except KeyError:
            pass
        found = self.load(cls, aggregate_id, what, copy=False)
        self._read_at.put(aggregate_id, started)
        return found

    def exists(self, aggregate_id: UUID) -> bool:
        """Whether any event was recorded for this id."""
        return bool(self.recorder.select_events(aggregate_id, desc=True, limit=1))

    def record(self, *aggregates: BetotraceAggregate | None, **kwargs: Any) -> int:
        """Save the aggregates' new events atomically; return the last log position.

        A concurrent writer that got there first makes the whole save fail, with nothing
        written: that is a ``ConflictError`` for the caller.
        """
        for aggregate in aggregates:
            if aggregate is not None:  # this process changed it: read it afresh next time
                self._forget_read(aggregate.id)
        try:
            recordings = self.save(*aggregates, **kwargs)
        except IntegrityError:
            raise ConflictError(
                "someone else changed this at the same moment; reload and try again"
            ) from None
        position = max((r.notification.id for r in recordings), default=0)
        if position:
            last_position.set(position)
            events_recorded.send(self, position=position)
        return position

    def _forget_read(self, aggregate_id: UUID) -> None:
        with contextlib.suppress(KeyError):
            self._read_at.get(aggregate_id, evict=True)

    @staticmethod
    def check_version(aggregate: BetotraceAggregate, expected_version: int | None) -> None:
        """Refuse when the caller saw another version than the current one (If-Match)."""
        if expected_version is not None and aggregate.version != expected_version:
            raise StaleVersionError(expected_version, aggregate.version)
