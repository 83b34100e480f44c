"""Rebuilding a read model from the first event while readers keep using the old one."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from projections.framework import by_aggregate
from projections.framework.cache import RowCache
from projections.framework.projection import Projection
from projections.framework.source import EventSource
from projections.framework.store import ACTIVE, BUILDING, RETIRED, PostgresViewStore, ViewStore

Progress = Callable[[int, int], None]  # (position reached, head)


@dataclass(frozen=True)
class RebuildResult:
    """What a rebuild did."""

    projection: str
    generation: int
    events: int
    seconds: float
    resumed_from: int

    @property
    def events_per_second(self) -> float:
        """Throughput of the rebuild."""
        return self.events / self.seconds if self.seconds else 0.0


def rebuild(
    store: ViewStore,
    source: EventSource,
    projection: Projection,
    *,
    batch_size: int = 1000,
    progress: Progress | None = None,
    cache_rows: int = 10_000,
    parts: int = 0,
    environ: Mapping[str, str] | None = None,
) -> RebuildResult:
    """Fill a new generation from the start (or resume an unfinished one), then switch to it.

    Batches stream through memory one at a time. The batch that reaches the end of the log
    also repoints the views, in the same transaction: readers go from the complete old
    generation to the complete new one. Interrupted at any point, the next call resumes
    from the building generation's tracking position. The rows of the last batches stay
    in memory (at most ``cache_rows``): an order changed again soon is not read back from
    the table; a resumed rebuild starts with an empty cache and reads what was committed.
    """
    generations = store.generations(projection.name)
    building = [
        g for g, status in generations.items() if status == BUILDING and g > _active(generations)
    ]
    generation = max(building) if building else store.start_generation(projection)
    start = position = store.position(projection.name, generation)
    events, cache = 0, RowCache(cache_rows)
    began = time.perf_counter()
    if position == 0 and parts >= 1 and by_aggregate.supported(store, projection):
        assert isinstance(store, PostgresViewStore)
        events = _by_aggregate(
            store, source, projection, generation, parts, batch_size, progress, environ
        )
        position = store.position(projection.name, generation)
    while True:
        head = source.head()
        page = source.read(position, batch_size, projection.topics, head)
        done = page.read_up_to >= head
        batch = page.events_for(projection.reads)
        if page.read_up_to > position:
            store.write_batch(
                projection,
                generation,
                batch,
                page.read_up_to,
                after=position,
                expect=BUILDING,
                ids=page.last_ids,
                activate=done,
                cache=cache,
            )
        elif done:
            store.activate(projection, generation)
        events += len(batch)
        position = page.read_up_to
        if progress is not None:
            progress(position, head)
        if done:
            break
    for old, status in store.generations(projection.name).items():
        if status == RETIRED or (status == BUILDING and old < generation):
            store.drop_generation(projection, old)
    return RebuildResult(projection.name, generation, events, time.perf_counter() - began, start)


def _by_aggregate(
    store: PostgresViewStore,
    source: EventSource,
    projection: Projection,
    generation: int,
    parts: int,
    batch_size: int,
    progress: Progress | None,
    environ: Mapping[str, str] | None,
) -> int:
    """Fold the log up to its head aggregate by aggregate; returns the events folded."""
    by_aggregate.ensure_table(store)
    started = by_aggregate.parts_of(store, projection.name, generation)
    if not started:
        by_aggregate.start(store, projection.name, generation, source.head(), parts)
        started = by_aggregate.parts_of(store, projection.name, generation)
    head = started[0].head
    folded, total = [0], [0]

    def told(count: int) -> None:  # positions are not in order here: report the share done
        folded[0] += count
        if progress is not None:
            if not total[0]:  # counted once, when the first part reports
                total[0] = max(by_aggregate.count_events(store, source, projection, head), 1)
            progress(min(head * folded[0] // total[0], head - 1), head)

    by_aggregate.run_parts(environ, store, source, projection, generation, batch_size, told)
    by_aggregate.finish(store, projection, generation)
    return folded[0]


def _active(generations: dict[int, str]) -> int:
    return max((g for g, s in generations.items() if s == ACTIVE), default=0)
