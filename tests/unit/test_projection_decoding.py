"""The read side's event decoder: the mapper's events, whole or with only declared attributes."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Sequence
from typing import Any, cast
from uuid import UUID

import pytest
from eventsourcing.domain import DomainEvent
from eventsourcing.persistence import Notification, StoredEvent

from betotrace_es.application import Betotrace
from betotrace_es.domain.company import Company
from projections.framework import decoding
from projections.framework.decoding import EventDecoder, scan_members
from projections.framework.projection import ALWAYS_READ, Projection, Rows, handles
from projections.order_list.projection import OrderListProjection
from tests.builders import World, build_world, in_days, unique


def same(a: Any, b: Any) -> bool:
    """Equal, and of the same types all the way down (a str is not a str-valued enum)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, list | tuple):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if hasattr(a, "__dict__") and not isinstance(a, type):
        return same(vars(a), vars(b))
    return bool(a == b)


def lives(world: World) -> None:
    """Every event the order list reads: two orders through every command, names changed."""
    app, supplier, customer = world.app, world.supplier, world.customer
    driver = app.register_driver(world.supplier_admin, "Piet", "Pieters", "0470 11 22 33")
    first = world.request().id
    app.accept_order(supplier, first)
    app.propose_reschedule(supplier, first, in_days(5), "later")
    app.decline_proposal(customer, first, "neen")
    app.propose_reschedule(customer, first, in_days(6), "")
    app.accept_proposal(supplier, first)
    app.plan_delivery(supplier, first, "6.5", in_days(6), None)
    app.assign_driver(supplier, first, 1, driver.aggregate.id)
    app.finish_order(supplier, first)
    second = world.request(days=4, quantity="7").id
    app.propose_reschedule(supplier, second, in_days(8), "kan")
    app.accept_proposal(customer, second)
    app.cancel_order(customer, second, "weer")
    app.rename_branch(world.supplier_admin, world.branch_id, unique("Centrale Évère"))
    company: Company = app.repository.get(world.customer_id)
    company.change_details(world.customer_admin, unique("Bouw Zoë BV"), company.vat_number)
    app.save(company)


@pytest.fixture(scope="module")
def logged() -> Iterator[tuple[Betotrace, Sequence[Notification]]]:
    """An in-memory store holding those lives, and its whole log."""
    app = Betotrace(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})
    lives(build_world(app))
    yield app, app.recorder.select_notifications(1, 100_000)
    app.close()


def as_sqlite(stored: Notification) -> StoredEvent:
    """The same stored event as SQLite returns it (the originator id as text)."""
    return StoredEvent(
        str(stored.originator_id), stored.originator_version, stored.topic, stored.state
    )


READS = OrderListProjection().reads


def test_the_log_holds_every_event_the_order_list_reads(
    logged: tuple[Betotrace, Sequence[Notification]],
) -> None:
    _, log = logged
    assert set(READS) <= {n.topic for n in log}


@pytest.mark.parametrize("sqlite_ids", [False, True])
def test_a_whole_decode_is_the_mappers(
    logged: tuple[Betotrace, Sequence[Notification]], sqlite_ids: bool
) -> None:
    app, log = logged
    decoder = EventDecoder(app.mapper)
    for notification in log:
        stored = as_sqlite(notification) if sqlite_ids else notification
        assert same(decoder.decode(stored), app.mapper.to_domain_event(stored)), stored.topic


@pytest.mark.parametrize("scan_fields", [0, decoding.SCAN_FIELDS, 100])
@pytest.mark.parametrize("sqlite_ids", [False, True])
def test_a_declared_attribute_equals_the_full_decode(
    logged: tuple[Betotrace, Sequence[Notification]],
    monkeypatch: pytest.MonkeyPatch,
    scan_fields: int,
    sqlite_ids: bool,
) -> None:
    monkeypatch.setattr(decoding, "SCAN_FIELDS", scan_fields)  # both ways of finding them
    app, log = logged
    decoder, checked = EventDecoder(app.mapper), set()
    for notification in log:
        wanted = READS.get(notification.topic)
        if wanted is None:
            continue
        stored = as_sqlite(notification) if sqlite_ids else notification
        full, partial = app.mapper.to_domain_event(stored), decoder.decode(stored, wanted)
        assert type(partial) is type(full)
        for name in wanted | ALWAYS_READ:
            assert same(getattr(partial, name), getattr(full, name)), (stored.topic, name)
        checked.add(notification.topic)
    assert checked == set(READS)


def test_an_undeclared_attribute_fails_loudly(
    logged: tuple[Betotrace, Sequence[Notification]],
) -> None:
    app, log = logged
    decoder, checked = EventDecoder(app.mapper), set()
    for notification in log:
        wanted = READS.get(notification.topic)
        if wanted is None:
            continue
        partial = decoder.decode(notification, wanted)
        fields = {f.name for f in dataclasses.fields(cast("Any", type(partial)))}
        undeclared = fields - wanted - ALWAYS_READ
        assert undeclared, notification.topic  # every event has an actor the list ignores
        for name in undeclared:
            with pytest.raises(AttributeError):
                getattr(partial, name)
        checked.add(notification.topic)
    assert checked == set(READS)


def test_the_order_list_folds_declared_attributes_as_it_folds_whole_events(
    logged: tuple[Betotrace, Sequence[Notification]],
) -> None:
    app, log = logged
    projection, decoder = OrderListProjection(), EventDecoder(app.mapper)
    topics = set(projection.topics)
    batch = [n for n in log if n.topic in topics]
    results = []
    for events in (
        [app.mapper.to_domain_event(n) for n in batch],
        [decoder.decode(n, projection.reads.get(n.topic)) for n in batch],
    ):
        rows = Rows(projection.tables, lambda _table, _keys: [])
        projection.prefetch(rows, events)
        for event in events:
            projection.apply(rows, event)
        results.append({t.name: sorted(map(repr, upserts)) for t, upserts, _ in rows.changes()})
    assert results[0] == results[1]
    assert results[0]["orders"]
    assert results[0]["counts"]


def test_scanning_stops_at_the_last_wanted_member() -> None:
    text = '{"a": 1, "b": {"c": [1, 2]}, "d": "x", "e": [}'  # broken after what is wanted
    assert scan_members(text, frozenset({"a", "b"})) == {"a": 1, "b": {"c": [1, 2]}}
    assert scan_members('{"a": 1}', frozenset({"z"})) == {}
    assert scan_members("[1]", frozenset({"a"})) is None


@dataclasses.dataclass(frozen=True)
class Noted(DomainEvent):
    """An event with a defaulted field."""

    text: str
    priority: int = 0


def test_reads_naming_a_missing_field_is_refused() -> None:
    with pytest.raises(TypeError, match="no fields"):
        handles(Noted, reads=("txt",))


def test_a_defaulted_field_is_always_decoded() -> None:
    class Notes(Projection):
        name = "notes"
        tables = ()

        @handles(Noted, reads=("text",))
        def noted(self, rows: Rows, event: Noted) -> None:
            """Nothing."""

    wanted = next(iter(Notes().reads.values()))
    assert wanted == frozenset({"text", "priority"})  # undecoded, it would silently read 0


def test_a_projection_without_reads_gets_whole_events() -> None:
    class Whole(Projection):
        name = "whole"
        tables = ()

        @handles(Noted)
        def noted(self, rows: Rows, event: Noted) -> None:
            """Nothing."""

    assert list(Whole().reads.values()) == [None]


def test_a_uuid_is_decoded_as_uuid_does() -> None:
    value = UUID("12345678123456781234567812345678")
    decoded = decoding.fast_uuid(value.hex)
    assert same(decoded, value)
    assert decoded.is_safe == value.is_safe
    with pytest.raises(ValueError, match="badly formed"):
        decoding.fast_uuid("-" + "1" * 31)
