"""Rebuilding a read model from the first event while readers keep using the old one."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from projections.framework.cache import RowCache
from projections.framework.projection import Projection
from projections.framework.source import EventSource
from projections.framework.store import ACTIVE, BUILDING, RETIRED, ViewStore

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


def _active(generations: dict[int, str]) -> int:
    return max((g for g, s in generations.items() if s == ACTIVE), default=0)
