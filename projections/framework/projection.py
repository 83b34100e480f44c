"""A projection: a pure fold of domain events into the rows of its tables."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Mapping, Sequence
from operator import itemgetter
from typing import Any, ClassVar, TypeVar

from eventsourcing.domain import DomainEventProtocol
from eventsourcing.utils import get_topic

from projections.framework.cache import RowCache
from projections.framework.tables import Table

Row = dict[str, Any]
Key = tuple[Any, ...]
Handler = Callable[[Any, "Rows", Any], None]
F = TypeVar("F", bound=Callable[..., None])

_HANDLED = "__projection_handles__"
_READS = "__projection_reads__"
# Always there, whatever a handler declares: they come from the stored event's columns.
ALWAYS_READ = frozenset({"originator_id", "originator_version"})


def handles(*event_classes: type[Any], reads: Iterable[str] | None = None) -> Callable[[F], F]:
    """Mark a method as the handler of these event classes (name it after the event).

    ``reads`` names the event attributes the handler and the projection's ``prefetch`` use
    (the originator's id and version are always there). The read side then decodes only
    those from the stored event; any other attribute is missing on the events it is given,
    so a forgotten name fails loudly (AttributeError) instead of reading a wrong value.
    A field whose class has a default is always decoded too: reading it when undecoded
    would silently give the default. Without ``reads``, events are decoded whole.
    """
    wanted: dict[type[Any], frozenset[str] | None] = {}
    for event_class in event_classes:
        if reads is None:
            wanted[event_class] = None
            continue
        fields = {f.name for f in dataclasses.fields(event_class)}
        declared = frozenset(reads) - ALWAYS_READ
        unknown = sorted(declared - fields)
        if unknown:
            msg = f"{event_class.__qualname__} has no fields {unknown}"
            raise TypeError(msg)
        defaulted = {name for name in fields - ALWAYS_READ if hasattr(event_class, name)}
        wanted[event_class] = declared | defaulted

    def mark(method: F) -> F:
        setattr(method, _HANDLED, event_classes)
        setattr(method, _READS, wanted)
        return method

    return mark


class ProjectionFailedError(Exception):
    """A projection could not apply an event; it stopped there and skips nothing."""

    def __init__(
        self, projection: str, notification_id: int, event: object, cause: BaseException
    ) -> None:
        self.projection = projection
        self.notification_id = notification_id
        self.event_type = type(event).__qualname__
        self.cause = cause
        super().__init__(
            f"projection {projection} stopped at event {notification_id} ({self.event_type}): "
            f"{type(cause).__name__}: {cause}"
        )


class _Meta:
    """What Rows needs to know of a table, worked out once."""

    __slots__ = ("columns", "key", "key_of", "single", "table")

    def __init__(self, table: Table) -> None:
        self.table = table
        self.key = table.key
        self.single = table.key[0] if len(table.key) == 1 else None
        self.columns = frozenset(table.column_names)
        # The key of a row, by C-level item lookups (called for every row change).
        self.key_of: Callable[[Row], Key] = (
            _single_key(self.single) if self.single is not None else itemgetter(*table.key)
        )


def _single_key(name: str) -> Callable[[Row], Key]:
    def key_of(row: Row) -> Key:
        return (row[name],)

    return key_of


class Rows:
    """The rows a batch reads and changes, held in memory until the batch is written.

    Rows not yet in memory are loaded on first use (prefetched in bulk where the projection
    says which). Handlers see their own writes; nothing reaches the database until the
    whole batch, with its tracking position, is written in one transaction.
    """

    def __init__(
        self,
        tables: Sequence[Table],
        load: Callable[[Table, list[Key]], list[Row]],
        cache: RowCache | None = None,
    ) -> None:
        self._meta = {t.name: _Meta(t) for t in tables}
        self._load = load
        self._cache = cache
        self._rows: dict[str, dict[Key, Row | None]] = {t.name: {} for t in tables}
        self._dirty: dict[str, set[Key]] = {t.name: set() for t in tables}
        # Deferred additions: table → key → (the row if there is none, column → sum).
        self._adds: dict[str, dict[Key, tuple[Row, dict[str, int]]]] = {t.name: {} for t in tables}
        self.emitted: list[tuple[Table, Row]] = []

    def key_of(self, table: str, row: Row) -> Key:
        """The primary key of ``row`` in ``table``."""
        return self._meta[table].key_of(row)

    def prefetch(self, table: str, keys: Iterable[Key]) -> None:
        """Load many rows at once (those already in memory are skipped)."""
        rows = self._rows[table]
        missing = list(dict.fromkeys(k for k in keys if k not in rows))
        if missing and self._cache is not None:
            missing = self._cache.take(table, missing, rows)
        if not missing:
            return
        meta = self._meta[table]
        for row in self._load(meta.table, missing):
            rows[self.key_of(table, row)] = row
        for key in missing:
            rows.setdefault(key, None)

    def _current(self, table: str, key: Key) -> Row | None:
        """The row as this batch sees it (not a copy: callers must not change it)."""
        if self._adds[table] and key in self._adds[table]:
            self._settle(table, [key])
        rows = self._rows[table]
        if key not in rows:
            self.prefetch(table, [key])
        return rows[key]

    def get(self, table: str, *key: Any) -> Row | None:
        """The row with this key, or None; callers get a copy they may change and ``put``."""
        row = self._current(table, key)
        return None if row is None else dict(row)

    def put(self, table: str, row: Row) -> None:
        """Insert or replace a whole row."""
        meta = self._meta[table]
        if not meta.columns <= row.keys():
            msg = f"row for {table} lacks {sorted(meta.columns - row.keys())}"
            raise ValueError(msg)
        key = (row[meta.single],) if meta.single is not None else self.key_of(table, row)
        self._adds[table].pop(key, None)
        self._rows[table][key] = dict(row)
        self._dirty[table].add(key)

    def delete(self, table: str, *key: Any) -> None:
        """Remove a row (if it exists)."""
        self._adds[table].pop(key, None)
        self._rows[table][key] = None
        self._dirty[table].add(key)

    def add(self, table: str, row: Row, column: str, delta: int) -> None:
        """Add ``delta`` to ``column`` of the row with ``row``'s key; ``row`` is the row
        to start from when there is none yet.

        The additions to a row are summed and applied once, when the row is next read or
        the batch is written: a counter changed by every event costs one write a batch.
        """
        key = self._meta[table].key_of(row)
        adds = self._adds[table]
        pending = adds.get(key)
        if pending is None:
            adds[key] = (row, {column: delta})
            return
        sums = pending[1]
        sums[column] = sums.get(column, 0) + delta

    def _settle(self, table: str, keys: list[Key]) -> None:
        """Apply the pending additions to these rows."""
        adds, rows = self._adds[table], self._rows[table]
        self.prefetch(table, [k for k in keys if k in adds])
        dirty = self._dirty[table]
        for key in keys:
            pending = adds.pop(key, None)
            if pending is None:
                continue
            start, deltas = pending
            base = rows[key]
            new = dict(start if base is None else base)
            for column, delta in deltas.items():
                new[column] += delta
            rows[key] = new
            dirty.add(key)

    def take_additions(self) -> dict[str, dict[Key, tuple[Row, dict[str, int]]]]:
        """The additions not yet applied (table → key → (row to start from, sums)), handed
        over and forgotten: for a writer that adds them up elsewhere (by_aggregate.py)."""
        taken = {name: adds for name, adds in self._adds.items() if adds}
        self._adds = {name: {} for name in self._adds}
        return taken

    def remember(self) -> None:
        """Hand the rows this batch ended with to the cache (once the batch is committed)."""
        if self._cache is not None:
            for name, rows in self._rows.items():
                self._cache.keep(name, rows)

    def emit(self, table: Table, row: Row) -> None:
        """Insert a row into a durable table (outside generations; kept if it exists already)."""
        self.emitted.append((table, dict(row)))

    def changes(self) -> Iterable[tuple[Table, list[Row], list[Key]]]:
        """Per table: the rows to upsert and the keys to delete."""
        for name, meta in self._meta.items():
            if self._adds[name]:
                self._settle(name, list(self._adds[name]))
            keys, rows = self._dirty[name], self._rows[name]
            upserts = [r for k in keys if (r := rows[k]) is not None]
            deletes = [k for k in keys if rows[k] is None]
            if upserts or deletes:
                yield meta.table, upserts, deletes


class Projection:
    """A read model: its tables and one handler per event it cares about."""

    name: ClassVar[str]
    tables: ClassVar[tuple[Table, ...]]
    # Tables that outlive generations (an outbox): created once, rows only ever inserted by
    # ``Rows.emit`` with ON CONFLICT DO NOTHING, so a rebuild re-emitting a row changes nothing.
    durable_tables: ClassVar[tuple[Table, ...]] = ()
    # Each row comes from one aggregate's events, and rows shared between aggregates are
    # counters only ever added to: a rebuild may then fold aggregate by aggregate, in
    # parallel (by_aggregate.py). Handlers must not read a row they only add to.
    aggregate_local: ClassVar[bool] = False
    _handlers: ClassVar[dict[type[Any], str]]
    _reads: ClassVar[dict[str, frozenset[str] | None]]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls._handlers = {}
        cls._reads = {}
        for attr in dir(cls):
            method = getattr(cls, attr)
            for event_class in getattr(method, _HANDLED, ()):
                cls._handlers[event_class] = attr
                cls._reads[get_topic(event_class)] = getattr(method, _READS, {}).get(event_class)

    @property
    def topics(self) -> list[str]:
        """The topics of the events this projection reads (and no others)."""
        return sorted(get_topic(c) for c in self._handlers)

    @property
    def topic_set(self) -> frozenset[str]:
        """The same topics, for membership tests."""
        return frozenset(self._reads)

    @property
    def reads(self) -> Mapping[str, frozenset[str] | None]:
        """Per topic, the event attributes the handlers use (None: all of them)."""
        return self._reads

    def prefetch(self, rows: Rows, events: Sequence[DomainEventProtocol[Any]]) -> None:
        """Load in bulk the rows a batch will touch (override for speed; default: lazily)."""

    def apply(self, rows: Rows, event: DomainEventProtocol[Any]) -> None:
        """Fold one event into the rows."""
        name = self._handlers.get(type(event))
        if name is not None:
            getattr(self, name)(rows, event)
