"""How values are stored in read-model rows: portable, sortable, exact."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

from betotrace_es.domain.values import normalised_key

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


def micros(moment: datetime) -> int:
    """A moment as whole microseconds since the epoch (sorts and compares everywhere)."""
    return (moment - EPOCH) // _MICROSECOND


def moment(value: int) -> datetime:
    """The UTC moment of a stored microsecond count."""
    return EPOCH + value * _MICROSECOND


def ident(value: UUID | None) -> str | None:
    """A UUID as stored text."""
    return None if value is None else str(value)


def search_text(*parts: str | None) -> str:
    """Lower-cased, accent-free text to match searches against."""
    return " | ".join(normalised_key(p) for p in parts if p)


def like_pattern(query: str) -> str:
    """A LIKE pattern that finds ``query`` anywhere, accent- and case-insensitively."""
    escaped = normalised_key(query).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def to_json(value: Any) -> str:
    """Compact JSON for a json column."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False, sort_keys=True)
