"""User: identity and profile; only the user (or the platform) edits them."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar
from uuid import uuid4

import pytest

from betotrace_es.domain.exceptions import DomainError, PermissionDeniedError, ValidationError
from betotrace_es.domain.people import Profile, User
from betotrace_es.domain.values import Actor, PhoneNumber, Role
from tests.builders import World

E = TypeVar("E")
COMPANY = uuid4()


def single_event(user: User, cls: type[E]) -> E:
    """The one event the last command recorded, collected so the next command starts clean."""
    events = user.collect_events()
    assert len(events) == 1
    assert isinstance(events[0], cls)
    return events[0]


def refused_without_event(
    user: User, error: type[DomainError], command: Callable[[], object]
) -> DomainError:
    """The command raises ``error`` and leaves the user exactly as it was."""
    before = (user.version, user.profile, user.password_hash)
    with pytest.raises(error) as refused:
        command()
    assert user.pending_events == []
    assert (user.version, user.profile, user.password_hash) == before
    return refused.value


@pytest.fixture
def user() -> User:
    user = User.register(
        actor=Actor.system(),
        user_id=uuid4(),
        company_id=COMPANY,
        email="An.Peeters@Beton.Example.BE",
        profile=Profile.parse(first_name="An", last_name="Peeters"),
    )
    user.collect_events()
    return user


def myself(user: User, role: Role = Role.VIEWER) -> Actor:
    return Actor(user.id, COMPANY, role)


def test_user_registers_with_a_normalised_email_and_default_language() -> None:
    actor = Actor(uuid4(), COMPANY, Role.ADMIN)
    user_id = uuid4()

    user = User.register(
        actor=actor,
        user_id=user_id,
        company_id=COMPANY,
        email=" An.Peeters@Beton.Example.BE ",
        profile=Profile.parse(first_name="An", last_name="Peeters"),
    )

    assert (user.id, user.email, user.full_name) == (
        user_id,
        "An.Peeters@beton.example.be",
        "An Peeters",
    )
    assert user.profile.language == "nl"
    assert user.password_hash is None
    event = single_event(user, User.Registered)
    assert (event.company_id, event.actor_user_id, event.actor_company_id) == (
        COMPANY,
        actor.user_id,
        COMPANY,
    )


def test_user_without_a_valid_email_is_refused() -> None:
    with pytest.raises(ValidationError) as refused:
        User.register(
            actor=Actor.system(),
            user_id=uuid4(),
            company_id=COMPANY,
            email="an.peeters@",
            profile=Profile(first_name="", last_name=""),
        )

    assert list(refused.value.errors) == ["email"]


def test_nameless_invitee_is_shown_by_email() -> None:
    user = User.register(
        actor=Actor.system(),
        user_id=uuid4(),
        company_id=COMPANY,
        email="eva@bouw.example.be",
        profile=Profile(first_name="", last_name=""),
    )

    assert user.full_name == "eva@bouw.example.be"


@pytest.mark.parametrize("role", [Role.VIEWER, Role.PLANNER, Role.ADMIN])
def test_every_role_edits_its_own_profile(user: User, role: Role) -> None:
    profile = Profile.parse(
        first_name="An",
        last_name="Peeters",
        job_title="Planner",
        language="fr",
        phone_numbers=[PhoneNumber("mobile", "0470 12 34 56")],
    )

    user.update_profile(myself(user, role), profile)

    assert user.profile.phone_numbers == (PhoneNumber("mobile", "+32470123456"),)
    assert user.profile.language == "fr"
    event = single_event(user, User.ProfileUpdated)
    assert (event.profile, event.actor_user_id, event.actor_company_id) == (
        profile,
        user.id,
        COMPANY,
    )


def test_platform_may_edit_a_profile(user: User) -> None:
    user.update_profile(Actor.system(), Profile.parse(first_name="Ann", last_name="Peeters"))

    assert single_event(user, User.ProfileUpdated).actor_user_id is None


def test_colleague_even_an_admin_cannot_edit_someone_elses_profile(user: User) -> None:
    admin = Actor(uuid4(), COMPANY, Role.ADMIN)
    profile = Profile.parse(first_name="X", last_name="Y")

    refused_without_event(user, PermissionDeniedError, lambda: user.update_profile(admin, profile))
    refused_without_event(user, PermissionDeniedError, lambda: user.change_password(admin, "hash"))


def test_unchanged_profile_is_refused(user: User) -> None:
    same = Profile.parse(first_name=" An ", last_name="Peeters")

    error = refused_without_event(
        user, ValidationError, lambda: user.update_profile(myself(user), same)
    )

    assert isinstance(error, ValidationError)
    assert list(error.errors) == ["profile"]


@pytest.mark.parametrize(
    ("changes", "fields"),
    [
        ({"first_name": " "}, {"first_name"}),
        ({"language": "de"}, {"language"}),
        ({"language": "nl-BE", "last_name": ""}, {"language", "last_name"}),
        ({"job_title": "x" * 101}, {"job_title"}),
        ({"phone_numbers": [PhoneNumber("mobile", "12")]}, {"phone_numbers[0].number"}),
        ({"phone_numbers": [PhoneNumber("", "0470123456")]}, {"phone_numbers[0].label"}),
    ],
)
def test_invalid_profile_names_every_failing_field(
    changes: dict[str, object], fields: set[str]
) -> None:
    values: dict[str, object] = {"first_name": "An", "last_name": "Peeters", **changes}

    with pytest.raises(ValidationError) as refused:
        Profile.parse(**values)  # type: ignore[arg-type]

    assert set(refused.value.errors) == fields


def test_user_changes_their_password_hash(user: User) -> None:
    user.change_password(myself(user), "argon2$new")

    assert user.password_hash == "argon2$new"
    event = single_event(user, User.PasswordChanged)
    assert (event.password_hash, event.actor_user_id) == ("argon2$new", user.id)


def test_empty_password_hash_is_refused_naming_the_password(user: User) -> None:
    error = refused_without_event(
        user, ValidationError, lambda: user.change_password(myself(user), "")
    )

    assert isinstance(error, ValidationError)
    assert list(error.errors) == ["password"]


def test_refused_profile_change_through_the_application_stores_nothing(
    memory_world: World,
) -> None:
    app = memory_world.app
    viewer = memory_world.actors["customer_viewer"]
    assert viewer.user_id is not None
    profile = app.get_user(viewer, viewer.user_id).profile
    before = app.recorder.max_notification_id()

    with pytest.raises(ValidationError):
        app.update_profile(viewer, profile)
    with pytest.raises(ValidationError):
        app.change_password(viewer, "")

    assert app.recorder.max_notification_id() == before
    app.update_profile(viewer, Profile.parse(first_name="Vera", last_name="Customer"))
    assert app.get_user(viewer, viewer.user_id).full_name == "Vera Customer"
