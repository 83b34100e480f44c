"""Orders driven by both parties at random, against a plain model of the spec's state table.

The model is written from `shared/spec/domain.md` ("Order aggregate": states, commands,
invariants) and imports none of the domain's rules: when the two disagree, either the domain
has a bug or the model misreads the spec, and both are worth knowing.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from copy import deepcopy
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any, Literal, TypeVar, cast, get_args
from uuid import UUID, uuid4
from zoneinfo import ZoneInfo

import pytest
from eventsourcing.domain import CanMutateProtocol, DomainEventProtocol
from hypothesis import Phase, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    MultipleResults,
    RuleBasedStateMachine,
    initialize,
    invariant,
    multiple,
    precondition,
    rule,
)

from betotrace_es.application import Betotrace, Recorded
from betotrace_es.domain.exceptions import DomainError, NotFoundError, PermissionDeniedError
from betotrace_es.domain.order import Order
from betotrace_es.domain.values import Actor, Role
from tests.builders import build_world

# -- the plain model of the spec ------------------------------------------------------------------

Side = Literal["customer", "supplier"]
Status = Literal["requested", "planned", "finished", "cancelled"]
SIDES: frozenset[Side] = frozenset(get_args(Side))
SUPPLIER: frozenset[Side] = frozenset({"supplier"})
NOBODY: frozenset[Side] = frozenset()
FINAL: frozenset[Status] = frozenset({"finished", "cancelled"})


def other(side: Side) -> Side:
    """The opposite party of an order."""
    return "supplier" if side == "customer" else "customer"


@dataclass
class ModelOrder:
    """An order as the spec describes it: the state table and the command table."""

    status: Status
    delivery_at: datetime
    pending: tuple[datetime, Side] | None = None  # (proposed moment, proposer)
    deliveries: list[tuple[Decimal, UUID | None]] = field(default_factory=list)
    version: int = 1
    final: Order | None = None  # the live order as it was when it reached a final state

    @property
    def action_needed_by(self) -> Side | None:
        """The state table's last column."""
        if self.status in FINAL:
            return None
        if self.pending is not None:
            return other(self.pending[1])
        return "supplier" if self.status == "requested" else None

    # Who may do what, now (the command table's "who" and "allowed when").

    def may_accept(self) -> frozenset[Side]:
        return SUPPLIER if self.status == "requested" and self.pending is None else NOBODY

    def may_propose(self) -> frozenset[Side]:
        """Supplier on a request, either party on a planned order; a counter by the other party."""
        if self.status in FINAL:
            return NOBODY
        if self.pending is not None:
            return frozenset({other(self.pending[1])})
        return SIDES if self.status == "planned" else SUPPLIER

    def may_answer(self) -> frozenset[Side]:
        """Accept or decline a proposal: the party that did not propose, while it is pending."""
        if self.status in FINAL or self.pending is None:
            return NOBODY
        return frozenset({other(self.pending[1])})

    def may_plan_trucks(self) -> frozenset[Side]:
        """Plan deliveries and assign drivers: the supplier, on a planned order."""
        return SUPPLIER if self.status == "planned" else NOBODY

    def may_assign_drivers(self) -> frozenset[Side]:
        """Assign a driver: as planning trucks, once there is a truck to assign to."""
        return self.may_plan_trucks() if self.deliveries else NOBODY

    def may_finish(self) -> frozenset[Side]:
        return SIDES if self.status == "planned" and self.pending is None else NOBODY

    def may_cancel(self) -> frozenset[Side]:
        return NOBODY if self.status in FINAL else SIDES

    # What each allowed command does (the command table's "event" column).

    def accept(self) -> None:
        self.status = "planned"

    def propose(self, moment: datetime, proposer: Side) -> None:
        self.pending = (moment, proposer)

    def accept_proposal(self) -> None:
        assert self.pending is not None
        self.delivery_at, self.pending, self.status = self.pending[0], None, "planned"

    def decline_proposal(self) -> None:
        self.pending = None

    def plan_delivery(self, volume: Decimal, driver: UUID | None) -> None:
        self.deliveries.append((volume, driver))

    def assign_driver(self, number: int, driver: UUID) -> None:
        self.deliveries[number - 1] = (self.deliveries[number - 1][0], driver)

    def finish(self) -> None:
        self.status = "finished"

    def cancel(self) -> None:
        self.status, self.pending = "cancelled", None


@dataclass(frozen=True)
class Who:
    """An actor as the permission table sees it: its side of the order, if any, and its role."""

    side: Side | None  # None: a user of a company that is no party to the order
    may_command: bool  # admins and planners may; viewers may not


def refusal(
    who: Who, sides: frozenset[Side], inputs_ok: bool = True, checked_first_ok: bool = True
) -> type[DomainError] | None:
    """The refusal the spec promises, or None when the command must succeed.

    Outsiders do not even see the order; viewers have no order commands. ``checked_first_ok``
    covers what the application checks before the role (the expected version, as If-Match):
    when that is wrong, a viewer may hear about it first.
    """
    if who.side is None:
        return NotFoundError
    if not who.may_command:
        return PermissionDeniedError if checked_first_ok else DomainError
    return None if who.side in sides and inputs_ok and checked_first_ok else DomainError


def valid_volume(volume: str) -> bool:
    """A volume in m³: a decimal number > 0 with at most 3 decimals."""
    try:
        number = Decimal(volume)
    except InvalidOperation:
        return False
    return number.is_finite() and number > 0 and number == number.quantize(Decimal("0.001"))


def valid_moment(moment: datetime, current: datetime, now: datetime) -> bool:
    """A new delivery moment: timezone-aware, in the future, not the current moment."""
    return moment.tzinfo is not None and moment > now and moment != current


def replayed(events: Iterable[DomainEventProtocol[UUID]]) -> Order | None:
    """The order folded from its stored events, starting from nothing."""

    def step(order: Order | None, stored: DomainEventProtocol[UUID]) -> Order | None:
        return cast("CanMutateProtocol[Order]", stored).mutate(order)

    return functools.reduce(step, events, None)


# -- inputs ---------------------------------------------------------------------------------------

T = TypeVar("T")
F = TypeVar("F", bound=Callable[..., object])
MAX_OPEN_ORDERS = 3  # a new order is requested only while fewer are open
MAX_ORDERS = 8
BRUSSELS = ZoneInfo("Europe/Brussels")
SUPPLIERS = ("supplier_admin", "supplier_planner")
PARTIES = (*SUPPLIERS, "customer_admin", "customer_planner")
VIEWERS = ("supplier_viewer", "customer_viewer")
OUTSIDERS = ("outsider_supplier_planner", "outsider_customer_admin")


ANYONE = st.sampled_from(PARTIES + VIEWERS + OUTSIDERS)
DRIVERS = ("own", "second", "inactive", "foreign", "unknown")
FieldChoices = tuple[st.SearchStrategy[Any], st.SearchStrategy[Any]]


def well_formed_or_any(
    well_formed: st.SearchStrategy[T], anything: st.SearchStrategy[T]
) -> st.SearchStrategy[T]:
    """Half of the draws fit the command, so that orders move on; the rest may be anything."""
    return st.one_of(well_formed, anything)


def with_one_flaw(*fields: FieldChoices) -> st.SearchStrategy[tuple[Any, ...]]:
    """Half of the draws well-formed; the others with one field flawed, so that each kind of
    refusal also shows up on its own, or a mix. Each field: (well-formed values, flawed values)."""
    good = [well_formed for well_formed, _ in fields]
    one_flawed = [
        st.tuples(*good[:i], flawed, *good[i + 1 :]) for i, (_, flawed) in enumerate(fields)
    ]
    mixed = st.tuples(*(st.one_of(well_formed, flawed) for well_formed, flawed in fields))
    return st.one_of(st.tuples(*good), st.one_of(*one_flawed, mixed))


def actors(*meant: str) -> st.SearchStrategy[str]:
    """Often the actors a command is meant for; otherwise anyone, viewers and outsiders too."""
    return well_formed_or_any(st.sampled_from(meant), ANYONE)


@dataclass(frozen=True)
class Aim:
    """The order a rule commands: an open one its command suits; an open one it does not suit
    (where refusals are subtle); a finished or cancelled one; or the one drawn from the bundle."""

    target: Literal["suited", "unsuited", "final", "drawn"]
    index: int


aims = st.builds(
    Aim,
    well_formed_or_any(st.just("suited"), st.sampled_from(["unsuited", "final", "drawn"])),
    st.integers(min_value=0, max_value=MAX_ORDERS - 1),
)
minutes = st.integers(min_value=1, max_value=60 * 24 * 30)
messages = st.sampled_from(["Pomp pas later vrij", "", "   "])
good_volumes = st.decimals(min_value=Decimal("0.001"), max_value=Decimal(12), places=3).map(str)
bad_volumes = st.one_of(
    st.sampled_from(["0", "-2", "0.0001", "6.5432", "NaN", "Infinity", "zes", ""]),
    st.decimals(min_value=Decimal(-1), max_value=Decimal(12), places=4).map(str),
)
# An answer to a proposal: by a role of the side that did not propose, of the side that did,
# or by anyone at all.
answerers = st.one_of(
    st.sampled_from(["answering_admin", "answering_planner"]),
    st.sampled_from(["proposing_admin", "proposing_planner"]),
    ANYONE,
)
# (actor, kind of moment, minutes from now, message)
proposals = with_one_flaw(
    (st.sampled_from(PARTIES), st.sampled_from(VIEWERS + OUTSIDERS)),
    (
        st.sampled_from(["future", "in_brussels", "pending"]),
        st.sampled_from(["current", "current_in_brussels", "past", "naive"]),
    ),
    (minutes, minutes),
    (messages, messages),
)
# (actor, volume, driver, planned moment)
plans = with_one_flaw(
    (st.sampled_from(SUPPLIERS), st.sampled_from(PARTIES[2:] + VIEWERS + OUTSIDERS)),
    (good_volumes, bad_volumes),
    (st.sampled_from([None, "own", "second"]), st.sampled_from(["inactive", "foreign", "unknown"])),
    (st.sampled_from(["none", "aware"]), st.just("naive")),
)
# (actor, which delivery, driver)
assignments = with_one_flaw(
    (st.sampled_from(SUPPLIERS), st.sampled_from(PARTIES[2:] + VIEWERS + OUTSIDERS)),
    (st.sampled_from(["last", "first"]), st.sampled_from(["zero", "beyond"])),
    (st.sampled_from(["own", "second"]), st.sampled_from(["inactive", "foreign", "unknown"])),
)
reasons = well_formed_or_any(st.just("Werf stilgelegd door de inspectie"), messages)
versions = well_formed_or_any(st.just("unchecked"), st.sampled_from(["current", "stale"]))


def when_some_order(concerned: Callable[[ModelOrder], bool]) -> Callable[[F], F]:
    """Run the rule only while some order is in a state its command is about: long runs of a
    command that nothing could take teach little."""
    return precondition(lambda machine: any(map(concerned, machine.models.values())))


def is_open(model: ModelOrder) -> bool:
    return model.status not in FINAL


class OrderMachine(RuleBasedStateMachine):
    """Every order command by every kind of actor, checked against the model after each step."""

    orders: Bundle[UUID] = Bundle("orders")

    def __init__(self) -> None:
        super().__init__()
        self.app = Betotrace(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})
        self.world = build_world(self.app)
        outsiders = build_world(self.app)
        self.actors: dict[str, Actor] = {
            **self.world.actors,
            "outsider_supplier_planner": outsiders.supplier,
            "outsider_customer_admin": outsiders.customer_admin,
        }
        register = self.app.register_driver
        own = register(self.world.supplier, "Dirk", "Peeters", "0470 11 22 33").aggregate
        second = register(self.world.supplier, "Mia", "Claes", "0470 12 12 12").aggregate
        retired = register(self.world.supplier, "Els", "Maes", "0470 44 55 66").aggregate
        self.app.change_driver(self.world.supplier_admin, retired.id, active=False)
        foreign = register(outsiders.supplier, "Jef", "Wouters", "0470 77 88 99").aggregate
        self.drivers: dict[str, tuple[UUID, bool]] = {  # id, whether the supplier may assign it
            "own": (own.id, True),
            "second": (second.id, True),
            "inactive": (retired.id, False),
            "foreign": (foreign.id, False),
            "unknown": (uuid4(), False),
        }
        self.models: dict[UUID, ModelOrder] = {}
        self.live: dict[UUID, Order] = {}  # the aggregate the last successful command returned
        self.touched = uuid4()  # the order of the last step
        self._events_seen: dict[UUID, list[DomainEventProtocol[UUID]]] = {}
        self._orders_seen: dict[UUID, Order] = {}

    def teardown(self) -> None:
        self.app.close()

    # -- helpers ----------------------------------------------------------------------------------

    def _side_of(self, company_id: UUID | None) -> Side | None:
        if company_id == self.world.supplier_id:
            return "supplier"
        return "customer" if company_id == self.world.customer_id else None

    def _answering(self, name: str, order_id: UUID) -> str:
        """``answering_<role>`` and ``proposing_<role>``: that role on the side that did not
        propose, or on the side that did (with no proposal pending: supplier, customer)."""
        proposer: Side = "customer"
        if (pending := self.models[order_id].pending) is not None:
            proposer = pending[1]
        relation, _, role = name.partition("_")
        side = {"answering": other(proposer), "proposing": proposer}.get(relation)
        return name if side is None else f"{side}_{role}"

    def _who(self, name: str) -> tuple[Actor, Who]:
        actor = self.actors[name]
        return actor, Who(self._side_of(actor.company_id), actor.role is not Role.VIEWER)

    def _aimed(self, drawn: UUID, aim: Aim, suits: Callable[[ModelOrder], frozenset[Side]]) -> UUID:
        def fits(model: ModelOrder) -> bool:
            if aim.target == "final":
                return model.status in FINAL
            return model.status not in FINAL and bool(suits(model)) == (aim.target == "suited")

        if aim.target == "drawn":
            return drawn
        pool = [order_id for order_id, model in self.models.items() if fits(model)]
        return pool[aim.index % len(pool)] if pool else drawn

    def _stored(self, order_id: UUID) -> list[DomainEventProtocol[UUID]]:
        """The order's events in the store (read once per step)."""
        if order_id not in self._events_seen:
            self._events_seen[order_id] = list(self.app.events.get(order_id))
        return self._events_seen[order_id]

    def _current(self, order_id: UUID) -> Order:
        """The order as the application loads it now (once per step)."""
        if order_id not in self._orders_seen:
            self._orders_seen[order_id] = self.app.get_order(Actor.system(), order_id)
        return self._orders_seen[order_id]

    def _step(self, order_id: UUID) -> None:
        """A new step on this order: what the invariants read must be read again."""
        self.touched = order_id
        self._events_seen.clear()
        self._orders_seen.clear()

    def _attempt(
        self,
        command: str,
        order_id: UUID,
        expected: type[DomainError] | None,
        call: Callable[[], Recorded[Order]],
        effect: Callable[[ModelOrder], None],
    ) -> None:
        """The command succeeds and the model follows, or it is refused and records nothing."""
        self._step(order_id)
        model = self.models[order_id]
        recorded_before = len(self._stored(order_id))
        event(f"{command}: {'refused' if expected else 'done'}")
        if expected is None:
            self.live[order_id] = call().aggregate
            self._step(order_id)
            effect(model)
            model.version += 1
            if model.status in FINAL and model.final is None:
                model.final = deepcopy(self.live[order_id])
            return
        with pytest.raises(expected) as refused:
            call()
        assert refused.value.message.strip(), "a refusal says why"
        assert len(list(self.app.events.get(order_id))) == recorded_before
        self._step(order_id)

    def _expected_version(self, model: ModelOrder, choice: str) -> int | None:
        return {"unchecked": None, "current": model.version, "stale": model.version - 1}[choice]

    def _new_order(self, days: int) -> UUID:
        order = self.world.request(days=days)
        self.models[order.id] = ModelOrder("requested", order.delivery_at)
        self.live[order.id] = order
        self._step(order.id)
        return order.id

    # -- rules ------------------------------------------------------------------------------------

    @initialize(target=orders)
    def first_order(self) -> UUID:
        return self._new_order(days=3)

    @rule(target=orders, days=st.integers(min_value=1, max_value=20))
    def request_order(self, days: int) -> UUID | MultipleResults[UUID]:
        open_orders = [m for m in self.models.values() if m.status not in FINAL]
        if len(open_orders) < MAX_OPEN_ORDERS and len(self.models) < MAX_ORDERS:
            return self._new_order(days)
        return multiple()

    @when_some_order(lambda m: m.status == "requested")
    @rule(order=orders, aim=aims, name=actors(*SUPPLIERS))
    def accept(self, order: UUID, aim: Aim, name: str) -> None:
        order = self._aimed(order, aim, ModelOrder.may_accept)
        actor, who = self._who(name)
        expected = refusal(who, self.models[order].may_accept())
        call = functools.partial(self.app.accept_order, actor, order)
        self._attempt("accept", order, expected, call, ModelOrder.accept)

    @when_some_order(is_open)
    @rule(order=orders, aim=aims, proposal=proposals)
    def propose_reschedule(
        self, order: UUID, aim: Aim, proposal: tuple[str, str, int, str]
    ) -> None:
        order = self._aimed(order, aim, ModelOrder.may_propose)
        name, kind, minutes, text = proposal
        actor, who = self._who(name)
        model = self.models[order]
        now = datetime.now(UTC)
        future = now + timedelta(minutes=10 + minutes)
        moment = {
            "future": future,
            "in_brussels": future.astimezone(BRUSSELS),
            "current": model.delivery_at,
            "current_in_brussels": model.delivery_at.astimezone(BRUSSELS),
            "pending": future if model.pending is None else model.pending[0],
            "past": now - timedelta(minutes=minutes),
            "naive": future.replace(tzinfo=None),
        }[kind]
        valid = valid_moment(moment, model.delivery_at, now)
        expected = refusal(who, model.may_propose(), valid)
        call = functools.partial(self.app.propose_reschedule, actor, order, moment, text)

        def proposed(m: ModelOrder) -> None:
            assert who.side is not None  # outsiders are refused
            m.propose(moment, who.side)

        self._attempt("propose", order, expected, call, proposed)

    @when_some_order(lambda m: is_open(m) and m.pending is not None)
    @rule(order=orders, aim=aims, name=answerers)
    def accept_proposal(self, order: UUID, aim: Aim, name: str) -> None:
        order = self._aimed(order, aim, ModelOrder.may_answer)
        actor, who = self._who(self._answering(name, order))
        expected = refusal(who, self.models[order].may_answer())
        call = functools.partial(self.app.accept_proposal, actor, order)
        self._attempt("accept proposal", order, expected, call, ModelOrder.accept_proposal)

    @when_some_order(lambda m: is_open(m) and m.pending is not None)
    @rule(order=orders, aim=aims, name=answerers, text=messages)
    def decline_proposal(self, order: UUID, aim: Aim, name: str, text: str) -> None:
        order = self._aimed(order, aim, ModelOrder.may_answer)
        actor, who = self._who(self._answering(name, order))
        expected = refusal(who, self.models[order].may_answer())
        call = functools.partial(self.app.decline_proposal, actor, order, text)
        self._attempt("decline proposal", order, expected, call, ModelOrder.decline_proposal)

    @when_some_order(lambda m: m.status == "planned")
    @rule(order=orders, aim=aims, plan=plans, loads=st.integers(min_value=1, max_value=3))
    def plan_deliveries(
        self, order: UUID, aim: Aim, plan: tuple[str, str, str | None, str], loads: int
    ) -> None:
        """The same truck load planned ``loads`` times: orders with several loads."""
        order = self._aimed(order, aim, ModelOrder.may_plan_trucks)
        name, volume, driver, when = plan
        actor, who = self._who(name)
        model = self.models[order]
        driver_id, driver_ok = (None, True) if driver is None else self.drivers[driver]
        at = {"none": None, "aware": model.delivery_at, "naive": datetime(2030, 5, 6, 7, 30)}[when]
        inputs_ok = valid_volume(volume) and when != "naive" and driver_ok
        expected = refusal(who, model.may_plan_trucks(), inputs_ok)
        call = functools.partial(self.app.plan_delivery, actor, order, volume, at, driver_id)

        def planned(m: ModelOrder) -> None:
            m.plan_delivery(Decimal(volume), driver_id)

        for _ in range(loads):
            self._attempt("plan delivery", order, expected, call, planned)

    @when_some_order(lambda m: bool(m.deliveries))
    @rule(order=orders, aim=aims, assignment=assignments)
    def assign_driver(self, order: UUID, aim: Aim, assignment: tuple[str, str, str]) -> None:
        order = self._aimed(order, aim, ModelOrder.may_assign_drivers)
        name, which, driver = assignment
        actor, who = self._who(name)
        model = self.models[order]
        count = len(model.deliveries)
        number = {"first": 1, "last": count, "zero": 0, "beyond": count + 1}[which]
        driver_id, driver_ok = self.drivers[driver]
        exists = 1 <= number <= len(model.deliveries)
        expected = refusal(who, model.may_plan_trucks(), exists and driver_ok)
        call = functools.partial(self.app.assign_driver, actor, order, number, driver_id)
        self._attempt(
            "assign driver", order, expected, call, lambda m: m.assign_driver(number, driver_id)
        )

    @when_some_order(lambda m: m.status == "planned")
    @rule(order=orders, aim=aims, name=actors(*PARTIES), version=versions)
    def finish(self, order: UUID, aim: Aim, name: str, version: str) -> None:
        order = self._aimed(order, aim, ModelOrder.may_finish)
        actor, who = self._who(name)
        model = self.models[order]
        expected = refusal(who, model.may_finish(), True, version != "stale")
        call = functools.partial(
            self.app.finish_order, actor, order, self._expected_version(model, version)
        )
        self._attempt("finish", order, expected, call, ModelOrder.finish)

    @when_some_order(is_open)
    @rule(
        order=orders,
        aim=aims,
        name=actors(*PARTIES),
        text=reasons,
        version=versions,
    )
    def cancel(self, order: UUID, aim: Aim, name: str, text: str, version: str) -> None:
        order = self._aimed(order, aim, ModelOrder.may_cancel)
        actor, who = self._who(name)
        model = self.models[order]
        # The spec's "cancel (+ message)" and "saying why": a blank reason is refused.
        expected = refusal(who, model.may_cancel(), bool(text.strip()), version != "stale")
        call = functools.partial(
            self.app.cancel_order, actor, order, text, self._expected_version(model, version)
        )
        self._attempt("cancel", order, expected, call, ModelOrder.cancel)

    # -- invariants -------------------------------------------------------------------------------

    @invariant()
    def state_equals_the_model(self) -> None:
        for order_id, model in self.models.items():
            order = self._current(order_id)
            assert order.status.value == model.status
            assert order.delivery_at == model.delivery_at
            pending = order.pending_proposal
            seen = None if pending is None else (pending.delivery_at, pending.proposed_by.value)
            assert seen == model.pending
            assert [(d.volume_m3, d.driver_id) for d in order.deliveries] == model.deliveries
            assert [d.number for d in order.deliveries] == list(range(1, len(model.deliveries) + 1))
            assert order.version == model.version

    @invariant()
    def replay_from_the_store_equals_the_live_order(self) -> None:
        for order_id, model in self.models.items():
            events = self._stored(order_id)
            assert [e.originator_version for e in events] == list(range(1, model.version + 1))
            folded = replayed(events)
            assert folded is not None
            assert folded == self.live[order_id]  # as the last command left it
            assert folded == self._current(order_id)  # as the application loads it now
            assert folded == self.app.repository.get(order_id, version=len(events))
        assert self.app.repository.get(self.touched) == self.live[self.touched]

    @invariant()
    def action_is_needed_by_whom_the_state_table_says(self) -> None:
        for order_id, model in self.models.items():
            needed = self._current(order_id).action_needed_by
            assert (None if needed is None else needed.value) == model.action_needed_by

    @invariant()
    def the_proposer_never_accepts_its_own_proposal(self) -> None:
        for order_id in self.models:
            proposer: Side | None = None
            for stored in self._stored(order_id):
                if isinstance(stored, Order.DeliveryRescheduleProposed):
                    proposer = self._side_of(stored.actor_company_id)
                    assert proposer is not None
                    assert stored.proposed_by.value == proposer
                elif isinstance(stored, Order.DeliveryRescheduleAccepted):
                    accepter = self._side_of(stored.actor_company_id)
                    assert stored.accepted_by.value == accepter
                    assert proposer is not None
                    assert accepter != proposer

    @invariant()
    def final_orders_never_change(self) -> None:
        for order_id, model in self.models.items():
            if model.final is not None:
                assert len(self._stored(order_id)) == model.final.version
                assert self._current(order_id) == model.final

    @invariant()
    def only_the_parties_see_the_order_last_commanded(self) -> None:
        # Admins and planners show that they see it with every command that works.
        for name in VIEWERS:
            assert self.app.get_order(self.actors[name], self.touched).id == self.touched
        for name in OUTSIDERS:
            with pytest.raises(NotFoundError):
                self.app.get_order(self.actors[name], self.touched)


OrderMachine.TestCase.settings = settings(
    max_examples=100,
    stateful_step_count=40,
    deadline=None,
    # The explain phase re-runs the shrunk example once per argument: minutes, not seconds.
    phases=[phase for phase in Phase if phase is not Phase.explain],
)
TestOrderLifecycle = OrderMachine.TestCase
