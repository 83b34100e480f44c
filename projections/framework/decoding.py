"""Decoding stored events for the read side: the library's result, a few times faster.

The library's ``JSONTranscoder`` calls a Python ``object_hook`` for every JSON object and
each transcoding's ``decode`` through two more calls. Here the state is parsed by the C
scanner alone and then walked once, bottom-up like the hook, with each transcoding replaced
by an equivalent direct constructor: UUIDs from their integer, enum members from the value
map, plain frozen value dataclasses by filling their ``__dict__``. Anything this module does
not know exactly (another transcoder class, an unknown transcoding, a class-versioned event,
an unusual value) goes through the library's own code, so the events are always the ones
``Mapper.to_domain_event`` returns (``tests/unit/test_projection_decoding.py`` compares them).
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Callable, Hashable
from datetime import datetime
from decimal import Decimal
from enum import Enum
from json.decoder import scanstring  # type: ignore[attr-defined]
from typing import Any, cast
from uuid import UUID, SafeUUID

from eventsourcing.domain import DomainEventProtocol
from eventsourcing.persistence import (
    DatetimeAsISO,
    DecimalAsStr,
    JSONTranscoder,
    Mapper,
    StoredEvent,
    Transcoding,
    TranscodingNotRegisteredError,
    UUIDAsHex,
    find_id_convertor,
)
from eventsourcing.utils import resolve_topic

from betotrace_es.transcodings import EnumAsValue, ValueAsDict

Convert = Callable[[Any], Any]
_UNKNOWN = SafeUUID.unknown
_new = object.__new__
_set = object.__setattr__


def fast_uuid(data: Any) -> UUID:
    """``UUID(data)`` for 32 hex digits, without the parsing of the other forms."""
    if type(data) is str and len(data) == 32:
        try:
            value = int(data, 16)
        except ValueError:
            value = -1
        if value >= 0:
            uuid = _new(UUID)
            _set(uuid, "int", value)
            _set(uuid, "is_safe", _UNKNOWN)
            return uuid
    return UUIDAsHex().decode(data)  # the library's own checks and errors


def _enum(transcoding: EnumAsValue) -> Convert:
    members = cast("type[Enum]", transcoding.type)._value2member_map_

    def convert(data: Any) -> Any:
        try:
            return members[data]
        except (KeyError, TypeError):  # aliases, _missing_, unhashable: the enum decides
            return transcoding.decode(data)

    return convert


def plain_value_class(cls: type[Any]) -> bool:
    """Whether instances are exactly their fields in ``__dict__`` (what the generated
    ``__init__`` of a frozen dataclass leaves when no ``__post_init__`` changes it)."""
    params = getattr(cls, "__dataclass_params__", None)
    init = cls.__dict__.get("__init__")
    return bool(
        params is not None
        and params.init
        and params.frozen
        and init is not None
        and getattr(getattr(init, "__code__", None), "co_filename", "") == "<string>"
        and not hasattr(cls, "__post_init__")
        and not hasattr(cls, "__slots__")
        and all(f.init for f in dataclasses.fields(cls))
    )


def _value_class(transcoding: ValueAsDict) -> Convert:
    cls = transcoding.type
    if not plain_value_class(cls):
        return transcoding.decode
    names = tuple(f.name for f in dataclasses.fields(cls))
    count = len(names)

    def convert(data: Any) -> Any:
        if type(data) is not dict or len(data) != count or tuple(data) != names:
            return transcoding.decode(data)  # defaults, extra or missing fields: the class decides
        for name, value in data.items():
            if type(value) is list:
                data[name] = tuple(value)
        obj: Any = _new(cls)
        _set(obj, "__dict__", data)
        return obj

    return convert


def converter(transcoding: Transcoding) -> Convert:
    """A direct equivalent of ``transcoding.decode`` (the method itself when there is none)."""
    kind = type(transcoding)
    if kind is UUIDAsHex:
        return fast_uuid
    if kind is DatetimeAsISO:
        return _iso_datetime
    if kind is DecimalAsStr:
        return Decimal
    if kind is EnumAsValue:
        return _enum(transcoding)  # type: ignore[arg-type]
    if kind is ValueAsDict:
        return _value_class(transcoding)  # type: ignore[arg-type]
    return transcoding.decode


def _iso_datetime(data: Any) -> datetime:
    if type(data) is not str:
        return DatetimeAsISO().decode(data)
    return datetime.fromisoformat(data)


# Wanted attributes among the first this many of a state are found by scanning the JSON
# text up to them; further in, parsing it all in C and picking is faster (measured).
SCAN_FIELDS = 2
_SCAN_ONCE: Callable[[str, int], tuple[Any, int]] = json.JSONDecoder().scan_once  # type: ignore[attr-defined]
# The pattern matches the empty string too: a match is always found.
_WHITESPACE = cast("Callable[[str, int], re.Match[str]]", re.compile(r"[ \t\n\r]*").match)


def scan_members(text: str, wanted: frozenset[str]) -> dict[str, Any] | None:
    """The ``wanted`` members of the JSON object ``text``, parsed up to the last of them.

    None when ``text`` is not a well-formed object as far as it is read. A state the
    library wrote is an encoded dict: its keys are unique, so the first is the only one.
    """
    found: dict[str, Any] = {}
    index = _WHITESPACE(text, 0).end()
    if text[index : index + 1] != "{":
        return None
    index = _WHITESPACE(text, index + 1).end()
    if text[index : index + 1] == "}":
        return found
    while True:
        if text[index : index + 1] != '"':
            return None
        key, index = scanstring(text, index + 1)
        index = _WHITESPACE(text, index).end()
        if text[index : index + 1] != ":":
            return None
        index = _WHITESPACE(text, index + 1).end()
        value, index = _SCAN_ONCE(text, index)
        if key in wanted:
            found[key] = value
            if len(found) == len(wanted):
                return found
        index = _WHITESPACE(text, index).end()
        separator = text[index : index + 1]
        if separator == "}":
            return found
        if separator != ",":
            return None
        index = _WHITESPACE(text, index + 1).end()


class EventDecoder:
    """Stored events → domain events, as the mapper makes them (but faster).

    ``decode(stored)`` gives the whole event. ``decode(stored, wanted)`` gives an event of
    the same class with only the ``wanted`` attributes (and the originator's id and
    version): the others are neither converted nor, when the wanted ones come first in
    the state, even parsed. Reading any other attribute of such an event raises
    AttributeError, or would find the class's default: ``handles`` therefore always adds
    the fields that have one to ``wanted``.
    """

    def __init__(self, mapper: Mapper[Any]) -> None:
        self.mapper = mapper
        transcoder = mapper.transcoder
        self.exact = (
            type(transcoder) is JSONTranscoder and mapper.cipher is None and not mapper.compressor
        )
        names: dict[str, Transcoding] = transcoder.names if self.exact else {}  # type: ignore[attr-defined]
        self._convert = {name: converter(t) for name, t in names.items()}
        self._json = json.JSONDecoder(object_hook=self._hook)
        self._classes: dict[str, type[Any] | None] = {}
        self._scan: dict[tuple[type[Any], frozenset[str]], bool] = {}

    def decode(
        self, stored: StoredEvent, wanted: frozenset[str] | None = None
    ) -> DomainEventProtocol[Any]:
        """The domain event of a stored event (only its ``wanted`` attributes, if given)."""
        topic = stored.topic
        try:
            cls = self._classes[topic]
        except KeyError:
            cls = self._classes[topic] = self._fast_class(topic)
        if cls is None:
            return self.mapper.to_domain_event(stored)
        try:
            state = self._whole(stored) if wanted is None else self._some(stored, cls, wanted)
        except Exception:  # the mapper raises its own error for it below
            state = None
        if state is None:
            return self.mapper.to_domain_event(stored)
        convert_id = find_id_convertor(
            cast("Hashable", cls), cast("Hashable", type(stored.originator_id))
        )
        state["originator_id"] = convert_id(stored.originator_id)
        state["originator_version"] = stored.originator_version
        event = _new(cls)
        _set(event, "__dict__", state)
        return event  # type: ignore[no-any-return]

    def _fast_class(self, topic: str) -> type[Any] | None:
        """The event class, or None when this topic is left to the mapper."""
        if not self.exact:
            return None
        cls: type[Any] = resolve_topic(topic)
        if getattr(cls, "class_version", 1) != 1:
            return None  # upcasting: the mapper's business
        return cls

    def _whole(self, stored: StoredEvent) -> dict[str, Any] | None:
        state = self._json.decode(stored.state.decode("utf8"))
        if type(state) is not dict or "class_version" in state:
            return None
        return state

    def _some(
        self, stored: StoredEvent, cls: type[Any], wanted: frozenset[str]
    ) -> dict[str, Any] | None:
        text = stored.state.decode("utf8")
        if self._scans(cls, wanted):
            state = scan_members(text, wanted)
            if state is None:
                return None
        else:
            whole = json.loads(text)
            if type(whole) is not dict or "class_version" in whole:
                return None
            state = {name: whole[name] for name in wanted if name in whole}
        walk = self._walk
        for key, value in state.items():
            kind = type(value)
            if kind is dict or kind is list:
                state[key] = walk(value)
        return state

    def _scans(self, cls: type[Any], wanted: frozenset[str]) -> bool:
        """Whether the wanted attributes come early enough in the state to scan for them."""
        try:
            return self._scan[cls, wanted]
        except KeyError:
            pass
        order = [f.name for f in dataclasses.fields(cls) if f.name not in _COLUMNS]
        early = set(order[:SCAN_FIELDS])
        self._scan[cls, wanted] = scans = wanted <= early
        return scans

    def _hook(self, value: dict[str, Any]) -> Any:
        """The library's object_hook, with direct converters."""
        if len(value) == 2 and "_type_" in value and "_data_" in value:
            return self._transcoded(value)
        return value

    def _transcoded(self, value: dict[str, Any]) -> Any:
        name = value["_type_"]
        try:
            convert = self._convert[name]
        except (KeyError, TypeError):
            msg = f"Data serialized with name '{name}' is not deserializable."
            raise TranscodingNotRegisteredError(msg) from None
        return convert(value["_data_"])

    def _walk(self, value: Any) -> Any:
        """A JSON value as the hook would have made it: inner objects first."""
        walk = self._walk
        if type(value) is list:
            for index, item in enumerate(value):
                kind = type(item)
                if kind is dict or kind is list:
                    value[index] = walk(item)
            return value
        if len(value) == 2:  # most objects are a transcoded scalar (a moment, an id, …)
            data = value.get("_data_", value)
            kind = type(data)
            if kind is not dict and kind is not list and "_type_" in value:
                return self._transcoded(value)
        for key, item in value.items():
            kind = type(item)
            if kind is dict or kind is list:
                value[key] = walk(item)
        return self._hook(value)


_COLUMNS = frozenset({"originator_id", "originator_version"})
