"""The domain's refusals of whole commands (English, as the API answers them), for the UI.

A refused transition, a permission the role lacks, a conflict: the domain says why in one
sentence that names the order, branch, product or person. Each sentence it can say is matched
here and said again in the UI's language; the parts that are words of the domain (a status, a
party, a role) are translated too.
"""

from __future__ import annotations

import re

from api.web.i18n import n_

# Words the sentences carry as values: translated before they are put in.
WORDS = {
    "status": {
        "requested": n_("requested"),
        "planned": n_("planned"),
        "finished": n_("finished"),
        "cancelled": n_("cancelled"),
    },
    "party": {"supplier": n_("supplier"), "customer": n_("customer")},
    "role": {"admin": n_("admin"), "planner": n_("planner"), "viewer": n_("viewer")},
}

_ORDER = r"^order (?P<number>\S+) "
_NAMED = r"(?P<name>.+)"

REFUSALS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), msgid)
    for pattern, msgid in (
        # -- orders: transitions ---------------------------------------------------------------
        (
            _ORDER + r"is (?P<status>\w+); only a requested order can be accepted$",
            n_("Order %(number)s is %(status)s; only a requested order can be accepted."),
        ),
        (
            _ORDER + r"has a pending proposal for a new delivery moment; answer it first$",
            n_(
                "Order %(number)s has a pending proposal for a new delivery moment; "
                "answer it first."
            ),
        ),
        (
            _ORDER + r"already has your proposal pending; wait for the other party$",
            n_("Order %(number)s already has your proposal pending; wait for the other party."),
        ),
        (
            _ORDER + r"is not accepted yet; only the supplier can propose a new moment now$",
            n_(
                "Order %(number)s is not accepted yet; only the supplier can propose a new "
                "moment now."
            ),
        ),
        (
            _ORDER + r"is (?P<status>\w+); only a planned order can be finished$",
            n_("Order %(number)s is %(status)s; only a planned order can be finished."),
        ),
        (
            _ORDER + r"is (?P<status>\w+); it can no longer be rescheduled$",
            n_("Order %(number)s is %(status)s; it can no longer be rescheduled."),
        ),
        (
            _ORDER + r"is (?P<status>\w+); it can no longer be cancelled$",
            n_("Order %(number)s is %(status)s; it can no longer be cancelled."),
        ),
        (
            _ORDER + r"is (?P<status>\w+); it can no longer be accepted$",
            n_("Order %(number)s is %(status)s; its proposal can no longer be accepted."),
        ),
        (
            _ORDER + r"is (?P<status>\w+); it can no longer be declined$",
            n_("Order %(number)s is %(status)s; its proposal can no longer be declined."),
        ),
        (
            _ORDER + r"is (?P<status>\w+); you can only plan deliveries on a planned order$",
            n_("Order %(number)s is %(status)s; you can only plan deliveries on a planned order."),
        ),
        (
            _ORDER + r"is (?P<status>\w+); you can only assign drivers on a planned order$",
            n_("Order %(number)s is %(status)s; you can only assign drivers on a planned order."),
        ),
        (
            _ORDER + r"has no pending proposal$",
            n_("Order %(number)s has no pending proposal."),
        ),
        (
            _ORDER + r"has your own proposal pending; only the other party can accept it$",
            n_(
                "Order %(number)s has your own proposal pending; only the other party can "
                "accept it."
            ),
        ),
        (
            _ORDER + r"has your own proposal pending; only the other party can decline it$",
            n_(
                "Order %(number)s has your own proposal pending; only the other party can "
                "decline it."
            ),
        ),
        (
            r"^branch (?P<name>.+) is closed and takes no orders$",
            n_("Branch %(name)s is closed and takes no orders."),
        ),
        # -- orders: who may ---------------------------------------------------------------------
        (
            _ORDER + r"is not an order of your company$",
            n_("Order %(number)s is not an order of your company."),
        ),
        (
            r"^only the (?P<party>\w+) can reschedule order (?P<number>\S+)$",
            n_("Only the %(party)s can propose a new delivery moment for order %(number)s."),
        ),
        (
            r"^only the (?P<party>\w+) can finish order (?P<number>\S+)$",
            n_("Only the %(party)s can finish order %(number)s."),
        ),
        (
            r"^only the (?P<party>\w+) can cancel order (?P<number>\S+)$",
            n_("Only the %(party)s can cancel order %(number)s."),
        ),
        (
            r"^only the (?P<party>\w+) can (?:accept|decline) proposals on order (?P<number>\S+)$",
            n_("Only the %(party)s can answer proposals on order %(number)s."),
        ),
        (
            r"^only a user of a customer company can request an order$",
            n_("Only a user of a customer company can request an order."),
        ),
        (
            r"^a (?P<role>\w+) may not .+$",
            n_("Your role (%(role)s) does not allow this."),
        ),
        (
            r"^only the owning company may .+$",
            n_("Only the company it belongs to may do this."),
        ),
        # -- conflicts ---------------------------------------------------------------------------
        (
            r"^someone else changed this at the same moment; reload and try again$",
            n_("Someone else changed this at the same moment; reload the page and try again."),
        ),
        (
            r"^expected version \d+, but the current version is \d+$",
            n_("This changed meanwhile. Look at it again before you act."),
        ),
        (
            r"^too many orders are being requested at once; please try again$",
            n_("Too many orders are being requested at once; please try again."),
        ),
        # -- branches, products, drivers, users --------------------------------------------------
        (r"^branch " + _NAMED + r" is already closed$", n_("Branch %(name)s is already closed.")),
        (r"^branch " + _NAMED + r" is already open$", n_("Branch %(name)s is already open.")),
        (
            r"^only a supplier can register branches$",
            n_("Only a supplier can register branches."),
        ),
        (
            r"^only the supplier can manage its catalogue$",
            n_("Only the supplier can manage its catalogue."),
        ),
        (
            r"^product " + _NAMED + r" is already inactive$",
            n_("Product %(name)s is already off sale."),
        ),
        (
            r"^product " + _NAMED + r" is already active$",
            n_("Product %(name)s is already on sale."),
        ),
        (
            r"^driver " + _NAMED + r" is already inactive$",
            n_("Driver %(name)s is already inactive."),
        ),
        (
            r"^driver " + _NAMED + r" is already active$",
            n_("Driver %(name)s is already active."),
        ),
        (
            r"^(?P<name>\S+) never accepted the invitation; invite them again instead$",
            n_("%(name)s never accepted the invitation; invite them again instead."),
        ),
        (r"^(?P<name>\S+) is already inactive$", n_("%(name)s is already inactive.")),
        (r"^(?P<name>\S+) is not inactive$", n_("%(name)s is not inactive.")),
        (
            r"^(?P<name>\S+) has already joined (?P<company>.+)$",
            n_("%(name)s has already joined %(company)s."),
        ),
        (
            r"^(?P<company>.+) must keep at least one active admin$",
            n_("%(company)s must keep at least one active admin."),
        ),
        (
            r"^this invitation has already been used$",
            n_("This invitation has already been used."),
        ),
        (
            r"^this invitation was revoked; ask your admin for a new one$",
            n_("This invitation was revoked; ask your admin for a new one."),
        ),
        (
            r"^this invitation has expired; ask your admin for a new one$",
            n_("This invitation has expired; ask your admin for a new one."),
        ),
        (
            r"^you can only edit your own profile$",
            n_("You can only edit your own profile."),
        ),
        (r"^nothing changed$", n_("Nothing changed.")),
        # -- not found (a 404 page says it in general; forms may name it) ------------------------
        (r"^(?P<what>order|branch|user|driver|contact person) not found$", n_("Not found.")),
        (r"^product " + _NAMED + r" not found$", n_("Product %(name)s does not exist.")),
    )
)
