"""Keyset pages of the lists the contract pages: ``limit`` items after ``cursor``, and the next
page's cursor (``None`` on the last page).

A cursor names the list it came from and the sort key of the last item it showed, so a page
starts right after that item however many items were added or removed before it meanwhile
(no repeat, no gap), and a cursor of another list is refused by name.
"""

from __future__ import annotations

import base64
import binascii
import bisect
import json
from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar

from api.errors import invalid

T = TypeVar("T")
Key = tuple[str | int | float, ...]


def encode_cursor(kind: str, key: Sequence[str | int | float]) -> str:
    """An opaque cursor: the list's kind and the last shown item's sort key."""
    raw = json.dumps([kind, *key], ensure_ascii=False, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(kind: str, cursor: str) -> Key:
    """The sort key a cursor of this list carries; 422 naming ``cursor`` for anything else."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        found = json.loads(raw)
    except (binascii.Error, ValueError):
        found = None
    if (
        not isinstance(found, list)
        or len(found) < 2
        or found[0] != kind
        or not all(isinstance(v, str | int | float) and not isinstance(v, bool) for v in found)
    ):
        raise invalid("cursor", "is not a cursor of this list (use next_cursor as it came)")
    return tuple(found[1:])


def page(
    items: Iterable[T], key: Callable[[T], Key], limit: int, cursor: str | None, kind: str
) -> tuple[list[T], str | None]:
    """The items after ``cursor`` in ``key`` order, at most ``limit``, and the next cursor."""
    ordered = sorted(items, key=key)
    keys = [key(item) for item in ordered]
    start = 0
    if cursor is not None:
        after = decode_cursor(kind, cursor)
        try:
            start = bisect.bisect_right(keys, after)
        except TypeError:  # a key of another shape: not this list's
            raise invalid("cursor", "is not a cursor of this list") from None
    end = start + limit
    following = encode_cursor(kind, keys[end - 1]) if end < len(ordered) else None
    return ordered[start:end], following


def by_name(*fields: str) -> Callable[[dict[str, Any]], Key]:
    """The sort key of a representation: these fields case-insensitively, then its id."""

    def key(item: dict[str, Any]) -> Key:
        return (*(str(item[f] or "").casefold() for f in fields), str(item["id"]))

    return key


def list_page(
    items: Iterable[dict[str, Any]],
    query: dict[str, Any],
    key: Callable[[dict[str, Any]], Key],
    kind: str,
) -> dict[str, Any]:
    """A list answer of the contract: ``{items, next_cursor}`` for the query's limit and cursor."""
    shown, following = page(items, key, query["limit"], query["cursor"], kind)
    return {"items": shown, "next_cursor": following}
