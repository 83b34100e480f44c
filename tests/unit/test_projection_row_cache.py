"""The rebuild's row cache: known rows and known absences, the least recently used forgotten."""

from __future__ import annotations

from projections.framework.cache import RowCache
from projections.framework.projection import Key, Row, Rows
from projections.order_list.projection import COUNTS


def test_cache_answers_known_rows_and_known_absences_and_names_the_rest() -> None:
    cache = RowCache(capacity=10)
    cache.keep("orders", {("a",): {"order_id": "a"}, ("b",): None})
    into: dict[Key, Row | None] = {}

    missing = cache.take("orders", [("a",), ("b",), ("c",)], into)

    assert missing == [("c",)]
    assert into == {("a",): {"order_id": "a"}, ("b",): None}
    assert cache.take("counts", [("a",)], {}) == [("a",)]


def test_cache_holds_at_most_its_capacity_and_forgets_the_least_recently_used() -> None:
    cache = RowCache(capacity=3)
    cache.keep("t", {(n,): {"n": n} for n in range(3)})
    cache.take("t", [(0,)], {})  # 0 is used again: 1 is now the oldest

    cache.keep("t", {(3,): {"n": 3}})

    assert len(cache) == 3
    assert cache.take("t", [(0,), (1,), (2,), (3,)], {}) == [(1,)]


def test_rows_read_the_cache_before_the_table_and_hand_it_their_final_rows() -> None:
    cache = RowCache()
    cache.keep("counts", {("c1", "planned"): {"company_id": "c1", "bucket": "planned", "n": 2}})
    loaded: list[list[Key]] = []

    def load(_table: object, keys: list[Key]) -> list[Row]:
        loaded.append(keys)
        return []

    rows = Rows([COUNTS], load, cache)
    start = {"company_id": "c1", "bucket": "planned", "n": 0}
    rows.add("counts", start, "n", 1)
    rows.add("counts", {**start, "bucket": "requested"}, "n", -1)
    changed = {table.name: upserts for table, upserts, _ in rows.changes()}
    rows.remember()

    assert loaded == [[("c1", "requested")]]
    assert sorted(r["n"] for r in changed["counts"]) == [-1, 3]
    again: dict[Key, Row | None] = {}
    assert cache.take("counts", [("c1", "planned"), ("c1", "requested")], again) == []
    assert again[("c1", "planned")] == {"company_id": "c1", "bucket": "planned", "n": 3}
