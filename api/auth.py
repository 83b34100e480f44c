"""Who is calling: opaque bearer tokens (hashed server-side), login throttling, invitations."""

from __future__ import annotations

import hashlib
import math
import secrets
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import cast
from uuid import UUID

from flask import g, request
from itsdangerous import BadSignature, SignatureExpired

from api.errors import ApiError
from api.services import Services
from betotrace_es.application.people import INVITATION_VALIDITY
from betotrace_es.domain.company import Company, MemberStatus
from betotrace_es.domain.exceptions import NotFoundError
from betotrace_es.domain.people import User
from betotrace_es.domain.values import Actor, CompanyKind, normalised_key
from betotrace_es.invitations import invitation_link as signed_link
from betotrace_es.invitations import invitation_token as signed_token
from betotrace_es.invitations import read_invitation_token
from betotrace_es.passwords import hash_password, verify_password

# Verified when the e-mail is unknown, so a wrong address costs as long as a wrong password.
_DUMMY_HASH = hash_password("not-a-password-of-anyone")


@dataclass(frozen=True)
class Principal:
    """The authenticated user, with their company and the role the roster gives them now."""

    actor: Actor
    user: User
    company: Company
    token_hash: str | None

    @property
    def is_supplier(self) -> bool:
        """Whether the user works for a supplier."""
        return self.company.kind is CompanyKind.SUPPLIER

    @property
    def language(self) -> str:
        """The user's preferred language."""
        return self.user.profile.language


def token_hash(token: str) -> str:
    """What is stored of a token: it cannot be turned back into the token."""
    return hashlib.sha256(token.encode()).hexdigest()


def current() -> Principal:
    """The principal of the current request (set by ``authenticate``)."""
    principal: Principal | None = g.get("principal")
    if principal is None:
        raise ApiError(401, "authentication required", headers={"WWW-Authenticate": "Bearer"})
    return principal


def authenticate(services: Services) -> Principal:
    """The caller of this request, from ``Authorization: Bearer <token>``; 401 otherwise.

    One statement reads the token and how far its company's and user's histories go. The
    principal built from them is kept per token and used again while those versions are
    unchanged, so a role change, a deactivation or a revocation counts from the very next
    request, in every process.
    """
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise _unauthorized("send Authorization: Bearer <token> (POST /api/auth/token)")
    hashed = token_hash(token.strip())
    session = services.state.find_session(hashed)
    if session is None:
        raise _unauthorized("the token is invalid, expired or revoked")
    record = session.token
    if record.revoked or record.expires_at <= time.time():
        raise _unauthorized("the token is invalid, expired or revoked")
    seen = (session.company_version, session.user_version)
    try:
        principal, versions = services.principals.get(hashed)
        if versions == seen:
            return cast("Principal", principal)
    except KeyError:
        pass
    found = principal_of(services, record.user_id, record.company_id, hashed, copy=False)
    if found is None:
        raise _unauthorized("the account is no longer active")
    services.principals.put(hashed, (found, (found.company.version, found.user.version)))
    return found


def principal_of(
    services: Services,
    user_id: UUID,
    company_id: UUID,
    hashed: str | None = None,
    *,
    copy: bool = True,
) -> Principal | None:
    """The principal if the user is an active member of the company right now.

    ``copy=False`` shares the cached aggregates: only for principals nobody changes.
    """
    try:
        company = services.app.load(Company, company_id, "company", copy=copy)
        user = services.app.load(User, user_id, "user", copy=copy)
    except NotFoundError:
        return None
    member = company.members.get(user_id)
    if member is None or member.status is not MemberStatus.ACTIVE:
        return None
    return Principal(Actor(user_id, company_id, member.role), user, company, hashed)


def _unauthorized(detail: str) -> ApiError:
    return ApiError(401, detail, headers={"WWW-Authenticate": 'Bearer realm="betotrace"'})


def check_login(services: Services, email: str, password: str, address: str) -> Principal:
    """The principal for good credentials; 401 for bad ones, 429 while throttled.

    The one login rule of the API's tokens and the web UI's sessions.
    """
    settings, state = services.settings, services.state
    now = time.time()
    subjects = [f"account:{normalised_key(email)}", f"address:{address}"]
    limits = [settings.login_failures_per_account, settings.login_failures_per_address]
    since = now - settings.login_window_seconds
    for subject, limit in zip(subjects, limits, strict=True):
        count, first = state.failures_since(subject, since)
        if count >= limit and first is not None:
            wait = max(1, math.ceil(first + settings.login_window_seconds - now))
            raise ApiError(
                429,
                f"too many failed logins; try again in {wait} seconds",
                headers={"Retry-After": str(wait)},
            )
    user = services.app.user_by_email(email)
    good = verify_password(user.password_hash if user else _DUMMY_HASH, password)
    principal = principal_of(services, user.id, user.company_id) if user and good else None
    if principal is None:
        state.record_failure(subjects, now)
        raise _unauthorized("wrong e-mail address or password")
    state.clear_failures(subjects[0])
    return principal


def issue_token(services: Services, email: str, password: str, address: str) -> tuple[str, float]:
    """A new token for good credentials; 401 for bad ones, 429 while throttled."""
    principal = check_login(services, email, password, address)
    token = secrets.token_urlsafe(32)
    expires_at = time.time() + services.settings.token_hours * 3600
    services.state.store_token(
        token_hash(token), principal.user.id, principal.company.id, expires_at
    )
    return token, expires_at


# -- invitations ----------------------------------------------------------------------------------


def invitation_token(services: Services, user_id: UUID, expires_at: datetime) -> str:
    """The link token of one invitation: signed, naming its user and its expiry."""
    return signed_token(services.settings.secret_key, user_id, expires_at)


def invitation_link(services: Services, user_id: UUID, expires_at: datetime) -> str:
    """Where the invitee sets their password."""
    return signed_link(
        services.settings.base_url, services.settings.secret_key, user_id, expires_at
    )


def invited_user(services: Services, token: str) -> UUID:
    """The user a still-valid invitation link is for; 404 for anything else.

    The link carries its invitation's expiry: a renewed invitation makes older links void.
    Single use is the roster's rule (an accepted invitation cannot be accepted again).
    """
    max_age = int(INVITATION_VALIDITY.total_seconds()) + 60
    try:
        user_id, expires = read_invitation_token(services.settings.secret_key, token, max_age)
    except SignatureExpired:
        raise ApiError(
            404, "this invitation link has expired; ask your admin for a new one"
        ) from None
    except (BadSignature, ValueError):
        raise ApiError(404, "this invitation link is not valid") from None
    try:
        user = services.app.load(User, user_id, "invitation")
        member = services.app.get_company(user.company_id).member(user_id)
    except NotFoundError:
        raise ApiError(404, "this invitation link is not valid") from None
    if member.invitation_expires_at != expires and not member.joined:
        raise ApiError(404, "this invitation link was replaced by a newer one")
    if expires <= datetime.now(UTC) and not member.joined:
        raise ApiError(404, "this invitation link has expired; ask your admin for a new one")
    return user_id


def require_supplier() -> Principal:
    """The principal, if they work for a supplier; 403 for a customer."""
    principal = current()
    if not principal.is_supplier:
        raise ApiError(403, "only a supplier's users can do this")
    return principal


def require_customer() -> Principal:
    """The principal, if they work for a customer; 403 for a supplier."""
    principal = current()
    if principal.is_supplier:
        raise ApiError(403, "only a customer's users can do this")
    return principal
