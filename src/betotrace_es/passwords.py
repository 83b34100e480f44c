"""Password hashing with argon2id; the domain only ever sees the hash."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from betotrace_es.domain.exceptions import ValidationError

MIN_LENGTH = 10
_hasher = PasswordHasher()


def hash_password(password: str, field: str = "password") -> str:
    """An argon2id hash of an acceptable password."""
    if len(password) < MIN_LENGTH:
        raise ValidationError.single(field, f"must be at least {MIN_LENGTH} characters")
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Whether ``password`` matches ``password_hash``."""
    if not password_hash:
        return False
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
