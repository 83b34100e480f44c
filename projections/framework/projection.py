"""A projection: a pure fold of domain events into the rows of its tables."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any, ClassVar, TypeVar

from eventsourcing.domain import DomainEventProtocol
from eventsourcing.utils import get_topic

from projections.framework.tables import Table

Row = dict[str, Any]
Key = tuple[Any, ...]
Handler = Callable[[Any, "Rows", Any], None]
F = TypeVar("F", bound=Callable[..., None])

_HANDLED = "__projection_handles__"


def handles(*event_classes: type[Any]) -> Callable[[F], F]:
    """Mark a method as the handler of these event classes (name it after the event)."""

    def mark(method: F) -> F:
        setattr(method, _HANDLED, event_classes)
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


class Rows:
    """The rows a batch reads and changes, held in memory until the batch is written.

    Rows not yet in memory are loaded on first use (prefetched in bulk where the projection
    says which). Handlers see their own writes; nothing reaches the database until the
    whole batch, with its tracking position, is written in one transaction.
    """

    def __init__(
        self, tables: Sequence[Table], load: Callable[[Table, list[Key]], list[Row]]
    ) -> None:
        self._tables = {t.name: t for t in tables}
        self._load = load
        self._rows: dict[str, dict[Key, Row | None]] = {t.name: {} for t in tables}
        self._dirty: dict[str, set[Key]] = {t.name: set() for t in tables}
        self.emitted: list[tuple[Table, Row]] = []

    def key_of(self, table: str, row: Row) -> Key:
        """The primary key of ``row`` in ``table``."""
        return tuple(row[k] for k in self._tables[table].key)

    def prefetch(self, table: str, keys: Iterable[Key]) -> None:
        """Load many rows at once (those already in memory are skipped)."""
        cache = self._rows[table]
        missing = list(dict.fromkeys(k for k in keys if k not in cache))
        if not missing:
            return
        for row in self._load(self._tables[table], missing):
            cache[self.key_of(table, row)] = row
        for key in missing:
            cache.setdefault(key, None)

    def get(self, table: str, *key: Any) -> Row | None:
        """The row with this key, or None; callers get a copy they may change and ``put``."""
        if key not in self._rows[table]:
            self.prefetch(table, [key])
        row = self._rows[table][key]
        return None if row is None else dict(row)

    def put(self, table: str, row: Row) -> None:
        """Insert or replace a whole row."""
        missing = set(self._tables[table].column_names) - row.keys()
        if missing:
            msg = f"row for {table} lacks {sorted(missing)}"
            raise ValueError(msg)
        key = self.key_of(table, row)
        self._rows[table][key] = dict(row)
        self._dirty[table].add(key)

    def delete(self, table: str, *key: Any) -> None:
        """Remove a row (if it exists)."""
        self._rows[table][key] = None
        self._dirty[table].add(key)

    def emit(self, table: Table, row: Row) -> None:
        """Insert a row into a durable table (outside generations; kept if it exists already)."""
        self.emitted.append((table, dict(row)))

    def changes(self) -> Iterable[tuple[Table, list[Row], list[Key]]]:
        """Per table: the rows to upsert and the keys to delete."""
        for name, keys in self._dirty.items():
            rows = self._rows[name]
            upserts = [r for k in keys if (r := rows[k]) is not None]
            deletes = [k for k in keys if rows[k] is None]
            if upserts or deletes:
                yield self._tables[name], upserts, deletes


class Projection:
    """A read model: its tables and one handler per event it cares about."""

    name: ClassVar[str]
    tables: ClassVar[tuple[Table, ...]]
    # Tables that outlive generations (an outbox): created once, rows only ever inserted by
    # ``Rows.emit`` with ON CONFLICT DO NOTHING, so a rebuild re-emitting a row changes nothing.
    durable_tables: ClassVar[tuple[Table, ...]] = ()
    _handlers: ClassVar[dict[type[Any], str]]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls._handlers = {}
        for attr in dir(cls):
            for event_class in getattr(getattr(cls, attr), _HANDLED, ()):
                cls._handlers[event_class] = attr

    @property
    def topics(self) -> list[str]:
        """The topics of the events this projection reads (and no others)."""
        return sorted(get_topic(c) for c in self._handlers)

    def prefetch(self, rows: Rows, events: Sequence[DomainEventProtocol[Any]]) -> None:
        """Load in bulk the rows a batch will touch (override for speed; default: lazily)."""

    def apply(self, rows: Rows, event: DomainEventProtocol[Any]) -> None:
        """Fold one event into the rows."""
        name = self._handlers.get(type(event))
        if name is not None:
            getattr(self, name)(rows, event)
