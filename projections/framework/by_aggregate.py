"""Rebuilding an aggregate-local read model in aggregate order, in parallel (PostgreSQL).

A read model is *aggregate-local* when each of its rows is built from one aggregate's events
only and the rows it shares between aggregates are counters that are only ever added to
(``Rows.add``): then folding every aggregate's events in turn, in any order of aggregates,
gives the same view as replaying the log. The order list is one: an order's row comes from
the order's events, a branch's or a company's name from its own, and the badge counts are
sums.

Such a rebuild reads the events in the order of the event table's primary key (an index
scan: aggregate by aggregate, version by version), builds each row once in memory and
writes it once, never reading a row back. The aggregates are split into ``parts`` ranges of
their ids, each folded by a process of its own. Every part commits its rows together with
its progress (the last aggregate it finished, and the sums its counters reached so far) in
``projection_parts``, so an interrupted part resumes after its last commit. When every part
is done, one transaction adds the parts' counter sums and moves the generation's tracking
position to the log position the parts read up to; the rebuild then continues from there
in log order (the events recorded meanwhile) and switches the views as usual.
"""

from __future__ import annotations

import ctypes
import json
import multiprocessing
import os
import queue
import signal
import uuid
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, cast

from eventsourcing.persistence import IntegrityError, StoredEvent
from psycopg.rows import tuple_row

from projections.framework.projection import Key, Projection, ProjectionFailedError, Rows
from projections.framework.source import EventSource
from projections.framework.store import PostgresViewStore, ViewStore, tracking_name

PARTS = "projection_parts"
Sums = dict[str, dict[Key, tuple[dict[str, Any], dict[str, int]]]]  # table → key → (row, sums)
Progress = Callable[[int], None]  # events folded since the last call
Positioned = tuple[int, Any]  # an event with its position in the log


class PartsFailedError(RuntimeError):
    """A part process of a rebuild by aggregate failed; what the parts committed stays, and
    running the rebuild again resumes them (after fixing the cause)."""


@dataclass(frozen=True)
class Part:
    """One range of aggregate ids and how far its fold has come."""

    number: int
    parts: int
    head: int  # the log position every part reads up to
    last: str | None  # the last aggregate id whose rows are committed
    done: bool

    @property
    def bounds(self) -> tuple[str | None, str | None]:
        """The part's aggregate ids: greater than or equal to the first, less than the second."""
        step = (1 << 128) // self.parts
        low = None if self.number == 0 else str(uuid.UUID(int=self.number * step))
        high = (
            None if self.number == self.parts - 1 else str(uuid.UUID(int=(self.number + 1) * step))
        )
        return low, high


def supported(store: ViewStore, projection: Projection) -> bool:
    """Whether ``projection`` can be rebuilt by aggregate in ``store``."""
    return isinstance(store, PostgresViewStore) and projection.aggregate_local


def ensure_table(store: PostgresViewStore) -> None:
    """The table of the parts' progress."""
    with store.writing() as run:
        run(
            f"CREATE TABLE IF NOT EXISTS {{q}}{PARTS} (projection TEXT, generation BIGINT, "
            "part INT, parts INT, head BIGINT, last_id TEXT, sums TEXT, done BOOLEAN, "
            "PRIMARY KEY (projection, generation, part))",
            [],
        )


def parts_of(store: PostgresViewStore, projection: str, generation: int) -> list[Part]:
    """The parts of a rebuild by aggregate under way (none: not started, or finished)."""
    rows = store.fetch(
        f"SELECT part, parts, head, last_id, done FROM {{q}}{PARTS} "
        "WHERE projection = ? AND generation = ? ORDER BY part",
        [projection, generation],
    )
    return [
        Part(int(r["part"]), int(r["parts"]), int(r["head"]), r["last_id"], bool(r["done"]))
        for r in rows
    ]


def start(
    store: PostgresViewStore, projection: str, generation: int, head: int, parts: int
) -> None:
    """Record the parts of a new rebuild by aggregate (a racing starter fails on the key)."""
    with store.writing() as run:
        for number in range(parts):
            run(
                f"INSERT INTO {{q}}{PARTS} (projection, generation, part, parts, head, last_id, "
                "sums, done) VALUES (?, ?, ?, ?, ?, NULL, '[]', FALSE)",
                [projection, generation, number, parts, head],
            )


def fold_part(
    store: PostgresViewStore,
    source: EventSource,
    projection: Projection,
    generation: int,
    part: Part,
    batch_size: int,
    progress: Progress | None = None,
) -> int:
    """Fold one part's aggregates from where it stopped; returns the events folded."""
    if part.done:
        return 0
    sums = _load_sums(store, projection.name, generation, part.number)
    events: list[Positioned] = []
    folded, last = 0, part.last
    for aggregate_id, event_list in _aggregates(store, source, projection, part):
        events += event_list
        last = aggregate_id
        if len(events) >= batch_size:
            _commit(store, projection, generation, part.number, events, sums, last, done=False)
            folded += len(events)
            if progress is not None:
                progress(len(events))
            events = []
    _commit(store, projection, generation, part.number, events, sums, last, done=True)
    folded += len(events)
    if progress is not None and events:
        progress(len(events))
    return folded


def count_events(
    store: PostgresViewStore, source: EventSource, projection: Projection, head: int
) -> int:
    """How many events a rebuild by aggregate folds (one count of the log up to ``head``)."""
    table = source.recorder.events_table_name  # type: ignore[attr-defined]
    rows = store.fetch(
        f"SELECT count(*) AS n FROM {{q}}{table} WHERE topic = ANY(?) AND notification_id <= ?",
        [projection.topics, head],
    )
    return int(rows[0]["n"])


def finish(store: PostgresViewStore, projection: Projection, generation: int) -> int:
    """Add the parts' counter sums and move the tracking to their head; returns the head."""
    parts = parts_of(store, projection.name, generation)
    if not parts or not all(p.done for p in parts):
        msg = f"the parts of {projection.name} generation {generation} are not all done"
        raise RuntimeError(msg)
    total: Sums = {}
    for part in parts:
        _merge(total, _load_sums(store, projection.name, generation, part.number))
    meta = {t.name: t for t in projection.tables}
    with store._transaction(commit=True) as cursor:
        name = tracking_name(projection.name, generation)
        store._advance_tracking(cursor, name, 0, parts[0].head)
        for name, rows in total.items():
            table = meta[name]
            target = store.qualifier + store.physical(projection.name, generation, name)
            store.add_rows(cursor, table, target, list(rows.values()))
        store.execute(
            cursor,
            f"DELETE FROM {store.qualifier}{PARTS} WHERE projection = ? AND generation = ?",
            [projection.name, generation],
        )
    return parts[0].head


# -- in a part ------------------------------------------------------------------------------------


def _aggregates(
    store: PostgresViewStore, source: EventSource, projection: Projection, part: Part
) -> Iterator[tuple[str, list[Positioned]]]:
    """The part's aggregates after its last one, each with its decoded events (and their
    positions in the log), in id order."""
    low, high = part.bounds
    table = source.recorder.events_table_name  # type: ignore[attr-defined]
    where = ["topic = ANY(%s)", "notification_id <= %s"]
    params: list[Any] = [projection.topics, part.head]
    if part.last is not None:
        where.append("originator_id > %s")
        params.append(part.last)
    elif low is not None:
        where.append("originator_id >= %s")
        params.append(low)
    if high is not None:
        where.append("originator_id < %s")
        params.append(high)
    query = (
        "SELECT originator_id, originator_version, topic, state, notification_id "
        f"FROM {store.qualifier}{table} "
        f"WHERE {' AND '.join(where)} ORDER BY originator_id, originator_version"
    )
    decode, reads = source.decoder.decode, projection.reads
    with (
        store.datastore.get_connection() as connection,
        connection.transaction(),
        connection.cursor(name="by_aggregate", row_factory=tuple_row) as cursor,
    ):
        cursor.itersize = 5000
        cursor.execute(cast("Any", query), params)
        current: object = None
        events: list[Positioned] = []
        for originator_id, version, topic, state, position in cursor:
            if originator_id != current:
                if events:
                    yield str(current), events
                    events = []
                current = originator_id
            stored = StoredEvent(originator_id, version, topic, state)
            events.append((position, decode(stored, reads.get(topic))))
        if events:
            yield str(current), events


def _commit(
    store: PostgresViewStore,
    projection: Projection,
    generation: int,
    part: int,
    events: list[Positioned],
    sums: Sums,
    last: str | None,
    *,
    done: bool,
) -> None:
    """Write the rows of whole aggregates and the part's progress, in one transaction."""
    rows = Rows(projection.tables, lambda _table, _keys: [], None)
    for position, event in events:
        try:
            projection.apply(rows, event)
        except Exception as exc:
            raise ProjectionFailedError(projection.name, position, event, exc) from exc
    _merge(sums, rows.take_additions())
    with store._transaction(commit=True) as cursor:
        for table, upserts, deletes in rows.changes():
            target = store.qualifier + store.physical(projection.name, generation, table.name)
            store.write_rows(cursor, table, target, upserts, deletes)
        store.execute(
            cursor,
            f"UPDATE {store.qualifier}{PARTS} SET last_id = ?, sums = ?, done = ? "
            "WHERE projection = ? AND generation = ? AND part = ? AND NOT done RETURNING part",
            [last, _dump_sums(sums), done, projection.name, generation, part],
        )
        if cursor.fetchone() is None:
            msg = f"part {part} of {projection.name} generation {generation} is written by another"
            raise IntegrityError(msg)


def _merge(into: Sums, more: Sums) -> None:
    for name, rows in more.items():
        table = into.setdefault(name, {})
        for key, (start_row, sums) in rows.items():
            found = table.get(key)
            if found is None:
                table[key] = (start_row, dict(sums))
                continue
            for column, delta in sums.items():
                found[1][column] = found[1].get(column, 0) + delta


def _dump_sums(sums: Sums) -> str:
    return json.dumps(
        [
            [name, list(key), row, deltas]
            for name, rows in sums.items()
            for key, (row, deltas) in rows.items()
        ]
    )


def _load_sums(store: PostgresViewStore, projection: str, generation: int, part: int) -> Sums:
    rows = store.fetch(
        f"SELECT sums FROM {{q}}{PARTS} WHERE projection = ? AND generation = ? AND part = ?",
        [projection, generation, part],
    )
    sums: Sums = {}
    for name, key, row, deltas in json.loads(rows[0]["sums"]) if rows else []:
        sums.setdefault(name, {})[tuple(key)] = (row, deltas)
    return sums


# -- parts in processes of their own -------------------------------------------------------------


def run_parts(
    environ: Mapping[str, str] | None,
    store: PostgresViewStore,
    source: EventSource,
    projection: Projection,
    generation: int,
    batch_size: int,
    progress: Progress | None,
) -> None:
    """Fold every part not yet done: in this process if there is one, else one process each."""
    parts = [p for p in parts_of(store, projection.name, generation) if not p.done]
    if len(parts) <= 1 or environ is None:
        for part in parts:
            fold_part(store, source, projection, generation, part, batch_size, progress)
        return
    context = multiprocessing.get_context("spawn")
    told: multiprocessing.Queue[int | str] = context.Queue()  # events folded, or a failure
    workers = [
        context.Process(
            target=_fold_in_process,
            args=(dict(environ), projection, generation, part, batch_size, told, os.getpid()),
            name=f"rebuild-{projection.name}-part-{part.number}",
        )
        for part in parts
    ]
    for worker in workers:
        worker.start()
    failures: list[str] = []
    try:
        while any(w.is_alive() for w in workers) or not told.empty():
            try:
                message = told.get(timeout=0.5)
            except queue.Empty:
                continue
            if isinstance(message, str):
                failures.append(message)
            elif progress is not None:
                progress(message)
    finally:
        for worker in workers:
            if worker.is_alive():  # interrupted: committed batches stay, the rest resumes
                worker.terminate()
            worker.join()
    failed = [w.name for w in workers if w.exitcode != 0]
    if failed:
        why = "; ".join(failures) or "see the parts' output above"
        msg = f"rebuild parts failed ({', '.join(failed)}): {why}"
        raise PartsFailedError(msg)


PR_SET_PDEATHSIG = 1  # linux/prctl.h


def _die_with(coordinator: int) -> None:
    """End this part process when the coordinator does (killed with SIGKILL, say).

    A part left running would go on folding beside the parts of the rebuild that resumes
    it. What it commits stays consistent (each commit is whole aggregates with the
    part's progress and sums), but the resumed rebuild should be the only writer. On
    Linux the kernel sends SIGKILL at once (the uncommitted batch is rolled back);
    elsewhere the part stops at its next batch (``report``).
    """
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):  # not Linux
        pass
    if os.getppid() != coordinator:  # gone before the request took effect
        os._exit(1)


def _fold_in_process(
    environ: dict[str, str],
    projection: Projection,
    generation: int,
    part: Part,
    batch_size: int,
    told: multiprocessing.Queue[int | str],
    coordinator: int,
) -> None:
    from projections.framework.wiring import open_read_side

    def report(events: int) -> None:
        if os.getppid() != coordinator:  # where the kernel cannot stop us: at the next batch
            raise SystemExit(f"the rebuild's coordinator {coordinator} is gone")
        told.put(events)

    # The coordinator made every table. Parts starting together must not each run the
    # library's CREATE TABLE IF NOT EXISTS: concurrent ones fail on PostgreSQL ("tuple
    # concurrently updated"). The prefixed name wins over CREATE_TABLE.
    side = open_read_side({**environ, "BETOTRACE_CREATE_TABLE": "n"})
    _die_with(coordinator)
    try:
        store = side.store
        assert isinstance(store, PostgresViewStore)
        fold_part(store, side.source, projection, generation, part, batch_size, report)
    except ProjectionFailedError as failure:
        told.put(str(failure))
        raise SystemExit(1) from failure
    except Exception as error:
        told.put(f"part {part.number}: {type(error).__name__}: {error}")
        raise
    finally:
        side.factory.close()
