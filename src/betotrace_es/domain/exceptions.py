"""Errors the domain raises when it refuses a command; each says why in a planner's words."""

from __future__ import annotations

from collections.abc import Mapping, Sequence


class DomainError(Exception):
    """Base of every refusal: nothing was recorded."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ValidationError(DomainError):
    """One or more input values are invalid; ``errors`` maps each field to its reasons."""

    def __init__(self, errors: Mapping[str, Sequence[str]]) -> None:
        self.errors: dict[str, list[str]] = {field: list(msgs) for field, msgs in errors.items()}
        summary = "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in self.errors.items())
        super().__init__(summary)

    @classmethod
    def single(cls, field: str, message: str) -> ValidationError:
        """A validation error about one field."""
        return cls({field: [message]})

    def prefixed(self, prefix: str) -> ValidationError:
        """The same errors with field names nested under ``prefix``."""
        return ValidationError({f"{prefix}.{k}": v for k, v in self.errors.items()})


class TransitionRefusedError(DomainError):
    """The command is not allowed in the aggregate's current state."""


class PermissionDeniedError(DomainError):
    """The actor's company or role may not issue this command."""


class NotFoundError(DomainError):
    """The aggregate does not exist (or is not visible to the actor)."""


class ConflictError(DomainError):
    """Another command changed the same aggregate first; reload and try again."""


class StaleVersionError(ConflictError):
    """The caller's expected version is not the aggregate's current version."""

    def __init__(self, expected: int, actual: int) -> None:
        super().__init__(f"expected version {expected}, but the current version is {actual}")
        self.expected = expected
        self.actual = actual


class UniquenessError(ValidationError):
    """A value that must be unique on the platform is already taken."""
