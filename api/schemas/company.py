"""Profiles, users, the catalogue, branches, the directory, contact persons and drivers."""

from __future__ import annotations

from marshmallow import fields, validate

from api.schemas.common import (
    AddressIn,
    AddressOut,
    Body,
    LocationIn,
    LocationOut,
    Out,
    PhoneIn,
    PhoneOut,
    moment_out,
    text,
)

ROLES = ("admin", "planner", "viewer")
LANGUAGES = ("nl", "fr", "en")


# -- authentication -------------------------------------------------------------------------------


class TokenIn(Body):
    """Credentials."""

    email = fields.String(required=True, validate=validate.Length(max=254))
    password = fields.String(required=True, validate=validate.Length(max=1000))


class TokenOut(Out):
    """A bearer token."""

    access_token = fields.String(required=True)
    token_type = fields.String(required=True)
    expires_at = moment_out(required=True)


class InvitationAcceptIn(Body):
    """What the invitee sets."""

    password = fields.String(required=True, validate=validate.Length(max=1000))
    first_name = text(required=True)
    last_name = text(required=True)


# -- me and users ---------------------------------------------------------------------------------


class CompanyOut(Out):
    """The user's company."""

    id = fields.String(required=True)
    kind = fields.String(required=True)
    legal_name = fields.String(required=True)
    vat_number = fields.String(required=True)


class MeOut(Out):
    """The signed-in user's profile."""

    id = fields.String(required=True)
    email = fields.String(required=True)
    role = fields.String(required=True, validate=validate.OneOf(ROLES))
    first_name = fields.String(required=True)
    last_name = fields.String(required=True)
    job_title = fields.String(required=True)
    language = fields.String(required=True)
    phone_numbers = fields.List(fields.Nested(PhoneOut), required=True)
    company = fields.Nested(CompanyOut, required=True)


class MePatchIn(Body):
    """Profile fields to change (those left out stay as they are)."""

    first_name = text()
    last_name = text()
    job_title = text()
    language = fields.String(validate=validate.Length(max=10))
    phone_numbers = fields.List(fields.Nested(PhoneIn), validate=validate.Length(max=10))


class UserOut(Out):
    """A colleague."""

    id = fields.String(required=True)
    email = fields.String(required=True)
    name = fields.String(required=True)
    role = fields.String(required=True)
    status = fields.String(required=True)
    invitation_expires_at = moment_out(allow_none=True, required=True)
    invitation_link = fields.String()


class UserListOut(Out):
    """Colleagues."""

    items = fields.List(fields.Nested(UserOut), required=True)
    next_cursor = fields.String(required=True, allow_none=True)


class InviteIn(Body):
    """Whom to invite, with which role."""

    email = fields.String(required=True, validate=validate.Length(max=254))
    role = fields.String(required=True, validate=validate.OneOf(ROLES))


class UserPatchIn(Body):
    """A new role, or (de)activation."""

    role = fields.String(validate=validate.OneOf(ROLES))
    active = fields.Boolean(truthy={True}, falsy={False})


# -- catalogue ------------------------------------------------------------------------------------


class SpecFields(Body):
    """EN 206 / NBN B 15-001 classes of a product."""

    strength_class = fields.String(load_default=None, allow_none=True)
    exposure_classes = fields.List(fields.String(), load_default=list)
    consistency_class = fields.String(load_default=None, allow_none=True)
    dmax_mm = fields.Integer(load_default=None, allow_none=True, strict=True)
    chloride_class = fields.String(load_default=None, allow_none=True)
    domain_of_use = fields.String(load_default=None, allow_none=True)
    cement_type = fields.String(load_default=None, allow_none=True)


class ProductIn(SpecFields):
    """A new product."""

    code = fields.String(required=True, validate=validate.Length(max=100))
    name = text(required=True)


class ProductPatchIn(Body):
    """Changes to a product (left out: unchanged)."""

    name = text()
    strength_class = fields.String(allow_none=True)
    exposure_classes = fields.List(fields.String())
    consistency_class = fields.String(allow_none=True)
    dmax_mm = fields.Integer(allow_none=True, strict=True)
    chloride_class = fields.String(allow_none=True)
    domain_of_use = fields.String(allow_none=True)
    cement_type = fields.String(allow_none=True)
    active = fields.Boolean(truthy={True}, falsy={False})


class ProductOut(Out):
    """A product of the catalogue."""

    code = fields.String(required=True)
    name = fields.String(required=True)
    strength_class = fields.String(allow_none=True, required=True)
    exposure_classes = fields.List(fields.String(), required=True)
    consistency_class = fields.String(allow_none=True, required=True)
    dmax_mm = fields.Integer(allow_none=True, required=True)
    chloride_class = fields.String(allow_none=True, required=True)
    domain_of_use = fields.String(allow_none=True, required=True)
    cement_type = fields.String(allow_none=True, required=True)
    active = fields.Boolean(required=True)


class ProductListOut(Out):
    """The catalogue."""

    items = fields.List(fields.Nested(ProductOut), required=True)
    next_cursor = fields.String(required=True, allow_none=True)


# -- branches and the directory -------------------------------------------------------------------


class BranchIn(Body):
    """A new branch."""

    public_name = text(required=True)
    address = fields.Nested(AddressIn, required=True)
    location = fields.Nested(LocationIn, required=True)
    products = fields.List(fields.String(), load_default=list)


class BranchPatchIn(Body):
    """Changes to a branch (left out: unchanged)."""

    public_name = text()
    address = fields.Nested(AddressIn)
    location = fields.Nested(LocationIn)
    products = fields.List(fields.String())
    active = fields.Boolean(truthy={True}, falsy={False})


class BranchOut(Out):
    """A branch of the supplier."""

    id = fields.String(required=True)
    public_name = fields.String(required=True)
    address = fields.Nested(AddressOut, required=True)
    location = fields.Nested(LocationOut, required=True)
    products = fields.List(fields.String(), required=True)
    active = fields.Boolean(required=True)
    default_contact_id = fields.String(allow_none=True, required=True)
    version = fields.Integer(required=True)


class BranchListOut(Out):
    """The supplier's branches."""

    items = fields.List(fields.Nested(BranchOut), required=True)
    next_cursor = fields.String(required=True, allow_none=True)


class DirectoryQuery(Body):
    """Search of the public branch directory."""

    q = fields.String(load_default="", validate=validate.Length(max=200))
    product = fields.String(load_default=None, validate=validate.Length(min=1, max=100))
    near = fields.String(load_default=None, validate=validate.Length(max=60))
    radius_km = fields.Float(load_default=None, allow_nan=False)
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))
    cursor = fields.String(load_default=None, validate=validate.Length(max=400))


class DirectoryProductOut(Out):
    """A product a branch delivers."""

    code = fields.String(required=True)
    name = fields.String(required=True)


class DirectoryContactOut(Out):
    """The branch's default contact person."""

    name = fields.String(required=True)
    job_title = fields.String(required=True)
    email = fields.String(required=True)
    phone_numbers = fields.List(fields.Nested(PhoneOut), required=True)


class DirectoryEntryOut(Out):
    """A branch as every customer may see it."""

    id = fields.String(required=True)
    public_name = fields.String(required=True)
    supplier_id = fields.String(required=True)
    supplier_name = fields.String(required=True)
    address = fields.Nested(AddressOut, required=True)
    location = fields.Nested(LocationOut, required=True)
    products = fields.List(fields.Nested(DirectoryProductOut), required=True)
    default_contact = fields.Nested(DirectoryContactOut, allow_none=True, required=True)
    distance_km = fields.Float(allow_none=True, required=True)


class DirectoryOut(Out):
    """Directory search results."""

    items = fields.List(fields.Nested(DirectoryEntryOut), required=True)
    next_cursor = fields.String(required=True, allow_none=True)


# -- contact persons and drivers ------------------------------------------------------------------


class ContactIn(Body):
    """A new contact person."""

    first_name = text(required=True)
    last_name = text(required=True)
    job_title = text(load_default="")
    email = fields.String(required=True, validate=validate.Length(max=254))
    phone_numbers = fields.List(fields.Nested(PhoneIn), load_default=list)
    branch_ids = fields.List(fields.UUID(), required=True)
    default_for_branch_ids = fields.List(fields.UUID(), load_default=list)


class ContactPatchIn(Body):
    """Changes to a contact person (left out: unchanged)."""

    first_name = text()
    last_name = text()
    job_title = text()
    email = fields.String(validate=validate.Length(max=254))
    phone_numbers = fields.List(fields.Nested(PhoneIn))
    branch_ids = fields.List(fields.UUID())
    default_for_branch_ids = fields.List(fields.UUID())


class ContactOut(Out):
    """A contact person."""

    id = fields.String(required=True)
    first_name = fields.String(required=True)
    last_name = fields.String(required=True)
    job_title = fields.String(required=True)
    email = fields.String(required=True)
    phone_numbers = fields.List(fields.Nested(PhoneOut), required=True)
    branch_ids = fields.List(fields.String(), required=True)
    default_for_branch_ids = fields.List(fields.String(), required=True)


class ContactListOut(Out):
    """The supplier's contact persons."""

    items = fields.List(fields.Nested(ContactOut), required=True)
    next_cursor = fields.String(required=True, allow_none=True)


class DriverIn(Body):
    """A new driver."""

    first_name = text(required=True)
    last_name = text(required=True)
    mobile = fields.String(required=True, validate=validate.Length(max=40))


class DriverPatchIn(Body):
    """Changes to a driver (left out: unchanged)."""

    first_name = text()
    last_name = text()
    mobile = fields.String(validate=validate.Length(max=40))
    active = fields.Boolean(truthy={True}, falsy={False})


class DriverOut(Out):
    """A truck-mixer driver."""

    id = fields.String(required=True)
    first_name = fields.String(required=True)
    last_name = fields.String(required=True)
    mobile = fields.String(required=True)
    active = fields.Boolean(required=True)


class DriverListOut(Out):
    """The supplier's drivers."""

    items = fields.List(fields.Nested(DriverOut), required=True)
    next_cursor = fields.String(required=True, allow_none=True)
