"""The API against its own OpenAPI document: no 5xx, only documented statuses and shapes.

Generated requests that are valid by the schema are aimed at real resources (an order in the
state its command needs, the world's branch and product), so they reach the handlers instead of
stopping at a 404; invalid ones are sent as generated.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.config import SchemathesisConfig

from api.services import Services
from tests.builders import PRODUCT_CODE, World, build_world
from tests.e2e.live import SIDES, bearer_token, live_services
from tests.e2e.targets import Targets

EXAMPLES = 20
# Rules a JSON schema cannot say (a valid phone number, a known product code) answer 422.
CONFIG = SchemathesisConfig.from_str(
    """
[checks]
positive_data_acceptance.expected-statuses = ["2xx", "401", "403", "404", "409", "412", "422", "429"]
"""
)
SUPPLIER_PATHS = ("/api/branches", "/api/products", "/api/contacts", "/api/drivers")
# Order commands: the state the order is put in, and who may send it (None: either party).
ORDER_COMMANDS: dict[str, tuple[str, str | None]] = {
    "": ("planned", None),
    "/history": ("planned", None),
    "/accept": ("requested", "supplier"),
    "/reschedule": ("planned", None),
    "/reschedule/accept": ("proposed_by_{other}", None),
    "/reschedule/decline": ("proposed_by_{other}", None),
    "/deliveries": ("planned", "supplier"),
    "/deliveries/{number}": ("with_delivery", "supplier"),
    "/finish": ("planned", None),
    "/cancel": ("requested", None),
}


class Fuzzing:
    """Who sends the generated requests, and the real things they are aimed at."""

    def __init__(self, found: Services, world: World) -> None:
        self.targets = Targets(found, world)
        self.world = world
        self.tokens = {
            "supplier": bearer_token(found, world.supplier_admin),
            "customer": bearer_token(found, world.customer_admin),
        }

    def side_of(self, path: str, drawn: str) -> str:
        """The side that may call ``path`` (the drawn one when both may)."""
        if path.startswith(SUPPLIER_PATHS):
            return "supplier"
        if path in ("/api/orders", "/api/directory/branches"):
            return "customer"
        if path.startswith("/api/orders/{order_id}"):
            return ORDER_COMMANDS[path.removeprefix("/api/orders/{order_id}")][1] or drawn
        return drawn

    def token(self, path: str, side: str) -> str:
        """A bearer token of that side's admin (a fresh one for logging out)."""
        if path == "/api/auth/logout":
            world = self.world
            return bearer_token(self.targets.services, getattr(world, f"{side}_admin"))
        return self.tokens[side]

    def aim(self, case: Any, side: str) -> None:
        """Point a schema-valid case at real resources of the world."""
        path: str = case.operation.path
        params = case.path_parameters or {}
        other = "customer" if side == "supplier" else "supplier"
        if "order_id" in params:
            state = ORDER_COMMANDS[path.removeprefix("/api/orders/{order_id}")][0]
            params["order_id"] = str(self.targets.order(state.format(other=other)))
        if "number" in params:
            params["number"] = 1
        makers = {
            "branch_id": lambda: str(self.targets.branch()),
            "contact_id": lambda: str(self.targets.contact()),
            "driver_id": lambda: str(self.targets.driver()),
            "code": self.targets.product,
            "user_id": lambda: str(self.targets.invitee(side)[0]),
            "token": self.targets.invitation,
        }
        for name, make in makers.items():
            if name in params:
                params[name] = make()
        if isinstance(case.body, dict):
            self._aim_body(case.body)

    def _aim_body(self, body: dict[str, Any]) -> None:
        branch = str(self.world.branch_id)
        if "branch_id" in body:
            body["branch_id"] = branch
        if "product_code" in body:
            body["product_code"] = PRODUCT_CODE
        if body.get("driver_id") is not None:
            body["driver_id"] = str(self.targets.driver())
        for name in ("branch_ids", "default_for_branch_ids"):
            if body.get(name):
                body[name] = [branch]
        if "default_for_branch_ids" in body and "branch_ids" not in body:
            body["default_for_branch_ids"] = []


@pytest.fixture(scope="module")
def fuzzed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Any, Fuzzing]]:
    """The schema of the app on a fresh SQLite store, and what the fuzzer aims at."""
    env = {
        "PERSISTENCE_MODULE": "eventsourcing.sqlite",
        "SQLITE_DBNAME": str(Path(tmp_path_factory.mktemp("fuzz")) / "events.sqlite"),
    }
    with live_services(env) as (found, app):
        schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app, config=CONFIG)
        yield schema, Fuzzing(found, build_world(found.app))


def errors_are_problems_naming_their_fields(_ctx: Any, response: Any, _case: Any) -> None:
    """Every error is problem+json of its own status; a 422 names the fields it refuses."""
    if response.status_code < 400:
        return
    content_type = response.headers.get("content-type", [""])[0]
    assert content_type.startswith("application/problem+json"), content_type
    problem = response.json()
    assert problem["status"] == response.status_code, problem
    assert problem["detail"], problem
    if response.status_code == 422:
        assert problem.get("errors"), problem


def _run(operation: Any, mode: GenerationMode, fuzzing: Fuzzing) -> None:
    @given(case=operation.as_strategy(mode), drawn=st.sampled_from(SIDES))
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def send(case: Any, drawn: str) -> None:
        side = fuzzing.side_of(case.operation.path, drawn)
        if mode is GenerationMode.POSITIVE:
            fuzzing.aim(case, side)
        token = fuzzing.token(case.operation.path, side)
        case.call_and_validate(
            headers={"Authorization": f"Bearer {token}"},
            additional_checks=[errors_are_problems_naming_their_fields],
        )

    send()


def test_every_operation_answers_as_its_openapi_document_says(fuzzed: tuple[Any, Fuzzing]) -> None:
    schema, fuzzing = fuzzed
    failures: list[str] = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 30
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            try:
                _run(operation, mode, fuzzing)
            except (
                Exception,
                BaseExceptionGroup,
            ) as error:  # every operation is tried, all reported
                failures.append(f"{operation.label} ({mode.value}): {error}")
    assert not failures, "\n\n".join(failures)
