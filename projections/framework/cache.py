"""Rows kept in memory across batches: a rebuild loads an order's row once, not every batch."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable
from typing import Any

Key = tuple[Any, ...]
Row = dict[str, Any]
_MISSING = object()


class RowCache:
    """The committed rows of the batches a single writer wrote last, least recently used first.

    Only an optimisation of reading: what is committed stays the truth. Rows enter it only
    once their batch has been committed (``keep``), a row that is not in the table is
    remembered as None, and at most ``capacity`` rows are held, so memory is bounded
    however long the log. It is right only while its owner is the generation's only
    writer (a rebuild: a rival writer makes the owner's next batch fail on its tracking
    position, and a resumed rebuild starts with an empty cache).
    """

    def __init__(self, capacity: int = 10_000) -> None:
        self.capacity = capacity
        self._rows: OrderedDict[tuple[str, Key], Row | None] = OrderedDict()
        self.hits = self.misses = 0

    def __len__(self) -> int:
        return len(self._rows)

    def take(self, table: str, keys: Iterable[Key], into: dict[Key, Row | None]) -> list[Key]:
        """Copy the known rows of ``keys`` into ``into``; the keys it does not know."""
        rows, missing, hits = self._rows, [], 0
        touch = rows.move_to_end
        for key in keys:
            found = rows.get((table, key), _MISSING)
            if found is _MISSING:
                missing.append(key)
                continue
            into[key] = found  # type: ignore[assignment]  # rows are never changed in place
            touch((table, key))
            hits += 1
        self.hits += hits
        self.misses += len(missing)
        return missing

    def keep(self, table: str, rows: dict[Key, Row | None]) -> None:
        """Remember the rows a committed batch ended with (newest last), forgetting the oldest."""
        cached = self._rows
        touch = cached.move_to_end
        for key, row in rows.items():
            cached[table, key] = row
            touch((table, key))
        while len(cached) > self.capacity:
            cached.popitem(last=False)
