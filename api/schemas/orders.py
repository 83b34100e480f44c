"""Orders: the request, the commands, the representation, the list and the history."""

from __future__ import annotations

from marshmallow import fields, validate
from webargs.fields import DelimitedList

from api.schemas.common import (
    AddressIn,
    AddressOut,
    Body,
    ListQuery,
    LocationIn,
    LocationOut,
    Out,
    PhoneOut,
    moment_out,
    text,
)

PARTIES = ("customer", "supplier")
STATUSES = ("requested", "planned", "finished", "cancelled")
POUR_METHODS = ("pump", "chute", "crane_bucket", "conveyor", "other")


class SiteIn(Body):
    """The construction site."""

    name = text(required=True)
    address = fields.Nested(AddressIn, required=True)
    location = fields.Nested(LocationIn, load_default=None, allow_none=True)
    access_notes = text(load_default="")
    contact_name = text(required=True)
    contact_phone = fields.String(required=True, validate=validate.Length(max=40))


class OrderRequestIn(Body):
    """A customer's order request."""

    branch_id = fields.UUID(required=True)
    product_code = fields.String(required=True, validate=validate.Length(max=100))
    quantity_m3 = fields.Decimal(required=True, as_string=True, allow_nan=False)
    delivery_at = fields.AwareDateTime(required=True)
    pour_rate_m3_per_h = fields.Decimal(
        load_default=None, allow_none=True, as_string=True, allow_nan=False
    )
    pour_method = fields.String(required=True, validate=validate.OneOf(POUR_METHODS))
    element = text(load_default="")
    power_lines_nearby = fields.Boolean(required=True, truthy={True}, falsy={False})
    site = fields.Nested(SiteIn, required=True)
    customer_reference = text(load_default="")
    remarks = text(load_default="")


class RescheduleIn(Body):
    """A proposed new delivery moment."""

    delivery_at = fields.AwareDateTime(required=True)
    message = text(load_default="")


class MessageIn(Body):
    """An optional message with an answer."""

    message = text(load_default="")


class CancelIn(Body):
    """Why the order is cancelled."""

    message = text(required=True)


class EmptyIn(Body):
    """A command without fields."""


class DeliveryIn(Body):
    """A truck load to plan."""

    volume_m3 = fields.Decimal(required=True, as_string=True, allow_nan=False)
    planned_at = fields.AwareDateTime(load_default=None, allow_none=True)
    driver_id = fields.UUID(load_default=None, allow_none=True)


class DriverAssignmentIn(Body):
    """The driver of a truck load."""

    driver_id = fields.UUID(required=True)


class OrderListQuery(ListQuery):
    """Filters of the order list."""

    status = DelimitedList(fields.String(validate=validate.OneOf(STATUSES)), load_default=list)
    action_needed = fields.String(load_default=None, validate=validate.OneOf(["me"]))
    branch_id = fields.UUID(load_default=None)
    from_ = fields.AwareDateTime(load_default=None, data_key="from")
    to = fields.AwareDateTime(load_default=None)
    q = fields.String(load_default="", validate=validate.Length(max=200))


class HistoryQuery(Body):
    """Which past state to show with the history."""

    at_version = fields.Integer(load_default=None, validate=validate.Range(min=1))
    at = fields.AwareDateTime(load_default=None)


# -- representations ------------------------------------------------------------------------------


class SpecOut(Out):
    """An EN 206 specification (fields absent when not specified)."""

    strength_class = fields.String(allow_none=True)
    exposure_classes = fields.List(fields.String())
    consistency_class = fields.String(allow_none=True)
    dmax_mm = fields.Integer(allow_none=True)
    chloride_class = fields.String(allow_none=True)
    domain_of_use = fields.String(allow_none=True)
    cement_type = fields.String(allow_none=True)


class OrderedProductOut(Out):
    """The product as specified when ordered."""

    code = fields.String(required=True)
    name = fields.String(required=True)
    spec = fields.Nested(SpecOut, required=True)


class PlacementOut(Out):
    """How the concrete is placed."""

    pour_method = fields.String(required=True)
    element = fields.String(required=True)
    power_lines_nearby = fields.Boolean(required=True)


class SiteOut(Out):
    """The construction site."""

    name = fields.String(required=True)
    address = fields.Nested(AddressOut, required=True)
    location = fields.Nested(LocationOut, allow_none=True, required=True)
    access_notes = fields.String(required=True)
    contact_name = fields.String(required=True)
    contact_phone = fields.String(required=True)


class ProposalOut(Out):
    """A pending proposal for a new delivery moment."""

    delivery_at = moment_out(required=True)
    proposed_by = fields.String(required=True, validate=validate.OneOf(PARTIES))
    message = fields.String(required=True)
    proposed_at = moment_out()


class DeliveryOut(Out):
    """A planned truck load."""

    number = fields.Integer(required=True)
    volume_m3 = fields.String(required=True)
    planned_at = moment_out(allow_none=True, required=True)
    driver_id = fields.String(allow_none=True, required=True)


class CancellationOut(Out):
    """Who cancelled, and why."""

    by = fields.String(required=True)
    message = fields.String(required=True)


class PersonOut(Out):
    """Someone to call about the order."""

    name = fields.String(required=True, allow_none=True)
    job_title = fields.String(allow_none=True)
    email = fields.String(allow_none=True)
    phone_numbers = fields.List(fields.Nested(PhoneOut))
    phone = fields.String(allow_none=True)


class BranchContactOut(Out):
    """The branch as the customer sees it on an order."""

    name = fields.String(required=True, allow_none=True)
    address = fields.Nested(AddressOut, allow_none=True)


class ContactBlockOut(Out):
    """The other party: for the supplier who ordered and the site; for the customer the plant."""

    requested_by = fields.Nested(PersonOut)
    site_contact = fields.Nested(PersonOut)
    branch = fields.Nested(BranchContactOut)
    contact_person = fields.Nested(PersonOut, allow_none=True)


class OrderOut(Out):
    """An order as one of its parties sees it."""

    id = fields.String(required=True)
    number = fields.String(required=True)
    status = fields.String(required=True, validate=validate.OneOf(STATUSES))
    status_label = fields.String(required=True)
    action_needed_by = fields.String(
        required=True, allow_none=True, validate=validate.OneOf(PARTIES)
    )
    customer_id = fields.String(required=True)
    supplier_id = fields.String(required=True)
    branch_id = fields.String(required=True)
    requested_by = fields.String(required=True, allow_none=True)
    requested_at = moment_out(required=True)
    product = fields.Nested(OrderedProductOut, required=True)
    quantity_m3 = fields.String(required=True)
    pour_rate_m3_per_h = fields.String(required=True, allow_none=True)
    delivery_at = moment_out(required=True)
    placement = fields.Nested(PlacementOut, required=True)
    site = fields.Nested(SiteOut, required=True)
    customer_reference = fields.String(required=True)
    remarks = fields.String(required=True)
    pending_proposal = fields.Nested(ProposalOut, required=True, allow_none=True)
    deliveries = fields.List(fields.Nested(DeliveryOut), required=True)
    cancellation = fields.Nested(CancellationOut, required=True, allow_none=True)
    version = fields.Integer(required=True)
    last_change = moment_out(required=True)
    contact = fields.Nested(ContactBlockOut, required=True)


class OrderItemOut(Out):
    """A line of the order list."""

    id = fields.String(required=True)
    number = fields.String(required=True)
    status = fields.String(required=True, validate=validate.OneOf(STATUSES))
    status_label = fields.String(required=True)
    action_needed_by = fields.String(required=True, allow_none=True)
    branch_id = fields.String(required=True)
    branch_name = fields.String(required=True)
    customer_id = fields.String(required=True)
    customer_name = fields.String(required=True)
    product_code = fields.String(required=True)
    product_name = fields.String(required=True)
    quantity_m3 = fields.String(required=True)
    delivery_at = moment_out(required=True)
    pending_proposal = fields.Nested(ProposalOut, required=True, allow_none=True)
    site_name = fields.String(required=True)
    site_city = fields.String(required=True)
    customer_reference = fields.String(required=True)
    last_change = moment_out(required=True)
    version = fields.Integer(required=True)


class OrderPageOut(Out):
    """A page of the order list, with the badge counts."""

    items = fields.List(fields.Nested(OrderItemOut), required=True)
    next_cursor = fields.String(required=True, allow_none=True)
    counts = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True)


class ActorOut(Out):
    """Who caused an event."""

    user_id = fields.String(required=True, allow_none=True)
    name = fields.String(required=True)
    company = fields.String(required=True)
    company_id = fields.String(required=True, allow_none=True)


class HistoryEntryOut(Out):
    """One event of an order."""

    version = fields.Integer(required=True)
    type = fields.String(required=True)
    recorded_at = moment_out(required=True)
    actor = fields.Nested(ActorOut, required=True)
    data = fields.Dict(required=True)


class HistoryOut(Out):
    """An order's events, and its state at a version or moment when asked."""

    order_id = fields.String(required=True)
    number = fields.String(required=True)
    events = fields.List(fields.Nested(HistoryEntryOut), required=True)
    state = fields.Dict(allow_none=True, required=True)
