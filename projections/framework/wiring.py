"""Opening the read side on the store of the events, in the app process or on its own."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from eventsourcing.persistence import (
    DatetimeAsISO,
    DecimalAsStr,
    InfrastructureFactory,
    JSONTranscoder,
    Mapper,
    UUIDAsHex,
)
from eventsourcing.postgres import PostgresFactory
from eventsourcing.utils import Environment

from betotrace_es.config import APPLICATION_NAME, refuse_unsafe_settings, store_env
from betotrace_es.transcodings import register_transcodings
from projections.framework.source import EventSource
from projections.framework.store import PostgresViewStore, SQLiteViewStore, ViewStore


def view_store(factory: InfrastructureFactory[Any]) -> ViewStore:
    """The read models' store in the same database as the events of ``factory``."""
    cls = PostgresViewStore if isinstance(factory, PostgresFactory) else SQLiteViewStore
    store: ViewStore = factory.tracking_recorder(cls)
    return store


@dataclass
class ReadSide:
    """What a reader of the log needs: the events and the read models' store."""

    factory: InfrastructureFactory[Any]
    source: EventSource
    store: ViewStore


def open_read_side(environ: Mapping[str, str] | None = None) -> ReadSide:
    """The read side of the configured store, for a process without the application."""
    environment = Environment(APPLICATION_NAME, store_env(environ))
    refuse_unsafe_settings(environment.get)
    factory = InfrastructureFactory.construct(environment)
    transcoder = JSONTranscoder()
    for transcoding in (UUIDAsHex(), DecimalAsStr(), DatetimeAsISO()):
        transcoder.register(transcoding)
    register_transcodings(transcoder)
    mapper: Mapper[Any] = factory.mapper(transcoder=transcoder)
    source = EventSource(factory.application_recorder(), mapper)
    return ReadSide(factory, source, view_store(factory))
