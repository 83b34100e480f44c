"""How domain values are stored in events; every reader of the store registers the same set."""

from __future__ import annotations

import dataclasses
from enum import Enum
from typing import Any

from eventsourcing.persistence import JSONTranscoder, Transcoding

from betotrace_es.domain.catalogue import Product
from betotrace_es.domain.company import Member, MemberStatus
from betotrace_es.domain.concrete import ProductSpec
from betotrace_es.domain.order_values import (
    Delivery,
    OrderedProduct,
    OrderStatus,
    Placement,
    PourMethod,
    Proposal,
    Site,
)
from betotrace_es.domain.people import ContactDetails, Profile
from betotrace_es.domain.values import Address, CompanyKind, Location, Party, PhoneNumber, Role

# Transcoding names are stored with the data: never rename one.
ENUMS: dict[str, type[Enum]] = {
    "bt.party": Party,
    "bt.company_kind": CompanyKind,
    "bt.role": Role,
    "bt.order_status": OrderStatus,
    "bt.pour_method": PourMethod,
    "bt.member_status": MemberStatus,
}
VALUES: dict[str, type[Any]] = {
    "bt.address": Address,
    "bt.location": Location,
    "bt.phone_number": PhoneNumber,
    "bt.product_spec": ProductSpec,
    "bt.product": Product,
    "bt.placement": Placement,
    "bt.site": Site,
    "bt.ordered_product": OrderedProduct,
    "bt.proposal": Proposal,
    "bt.delivery": Delivery,
    "bt.profile": Profile,
    "bt.contact_details": ContactDetails,
    "bt.member": Member,
}


class EnumAsValue(Transcoding):
    """An enum member as its value."""

    def __init__(self, name: str, enum: type[Enum]) -> None:
        self.name = name
        self.type = enum

    def encode(self, obj: Enum) -> Any:
        return obj.value

    def decode(self, data: Any) -> Enum:
        member: Enum = self.type(data)
        return member


class ValueAsDict(Transcoding):
    """A frozen value dataclass as a dict of its fields (lists come back as tuples)."""

    def __init__(self, name: str, cls: type[Any]) -> None:
        assert dataclasses.is_dataclass(cls)
        self.name = name
        self.type = cls
        self._fields = [f.name for f in dataclasses.fields(cls)]

    def encode(self, obj: Any) -> dict[str, Any]:
        return {name: getattr(obj, name) for name in self._fields}

    def decode(self, data: dict[str, Any]) -> Any:
        return self.type(**{k: tuple(v) if isinstance(v, list) else v for k, v in data.items()})


def register_transcodings(transcoder: JSONTranscoder) -> None:
    """Register every Betotrace value type on ``transcoder``."""
    for name, enum in ENUMS.items():
        transcoder.register(EnumAsValue(name, enum))
    for name, cls in VALUES.items():
        transcoder.register(ValueAsDict(name, cls))
