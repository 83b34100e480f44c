"""Building blocks shared by the resources' schemas."""

from __future__ import annotations

from typing import Any

from marshmallow import RAISE, Schema, fields, validate

DATE_TIME = {"format": "date-time"}


class Body(Schema):
    """A request body or query: unknown fields are refused, naming them."""

    class Meta:
        unknown = RAISE


class Out(Schema):
    """A response: dumped from plain data built by the handlers."""


def text(**kwargs: Any) -> fields.String:
    """Free text in a request (the domain decides what is required)."""
    return fields.String(validate=validate.Length(max=4000), **kwargs)


def moment_out(**kwargs: Any) -> fields.String:
    """A moment in a response: ISO 8601 with offset."""
    return fields.String(metadata=DATE_TIME, **kwargs)


class PhoneIn(Body):
    """A labelled phone number in any common notation (national numbers are Belgian)."""

    label = fields.String(required=True, validate=validate.Length(max=40))
    number = fields.String(required=True, validate=validate.Length(max=40))


class PhoneOut(Out):
    """A labelled phone number in E.164."""

    label = fields.String(required=True)
    number = fields.String(required=True)


class AddressIn(Body):
    """A postal address."""

    street = fields.String(required=True, validate=validate.Length(max=200))
    number = fields.String(load_default="", validate=validate.Length(max=200))
    postal_code = fields.String(required=True, validate=validate.Length(max=200))
    city = fields.String(required=True, validate=validate.Length(max=200))
    country = fields.String(load_default="BE", validate=validate.Length(max=200))


class AddressOut(Out):
    """A postal address."""

    street = fields.String(required=True)
    number = fields.String(required=True)
    postal_code = fields.String(required=True)
    city = fields.String(required=True)
    country = fields.String(required=True)


class LocationIn(Body):
    """A WGS84 point."""

    lat = fields.Float(required=True, allow_nan=False)
    lon = fields.Float(required=True, allow_nan=False)


class LocationOut(Out):
    """A WGS84 point."""

    lat = fields.Float(required=True)
    lon = fields.Float(required=True)


class ListQuery(Body):
    """Paging of a list."""

    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))
    cursor = fields.String(load_default=None, validate=validate.Length(max=200))


class Problem(Out):
    """An error (RFC 9457)."""

    type = fields.String(required=True)
    title = fields.String(required=True)
    status = fields.Integer(required=True)
    detail = fields.String(required=True)
    errors = fields.Dict(keys=fields.String(), values=fields.List(fields.String()))
