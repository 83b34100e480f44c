"""Every text of a notification, as a message id of the catalogues (English is the source)."""

from __future__ import annotations

from dataclasses import dataclass


def N_(message: str) -> str:  # noqa: N802 (the name pybabel looks for)
    """Mark a text for extraction; it is translated when rendered."""
    return message


@dataclass(frozen=True)
class KindTexts:
    """The subject (also the feed title) and the opening line (also the feed text)."""

    subject: str
    intro: str


KINDS: dict[str, KindTexts] = {
    "order_requested": KindTexts(
        N_("New order request %(number)s"),
        N_("%(party)s requests a delivery of concrete from %(branch)s."),
    ),
    "order_accepted": KindTexts(
        N_("Order %(number)s accepted"),
        N_("%(party)s accepted the order. It is now planned."),
    ),
    "reschedule_proposed": KindTexts(
        N_("New delivery moment proposed for order %(number)s"),
        N_("%(party)s proposes a new delivery moment: %(proposed)s. Please accept or decline it."),
    ),
    "reschedule_accepted": KindTexts(
        N_("New delivery moment accepted for order %(number)s"),
        N_("%(party)s accepted the new delivery moment."),
    ),
    "reschedule_declined": KindTexts(
        N_("Proposed delivery moment declined for order %(number)s"),
        N_("%(party)s declined the proposed delivery moment. The original moment stays."),
    ),
    "proposal_accepted": KindTexts(
        N_("Your proposal for order %(number)s was accepted"),
        N_("%(party)s accepted your proposal. The delivery moment has changed."),
    ),
    "proposal_declined": KindTexts(
        N_("Your proposal for order %(number)s was declined"),
        N_("%(party)s declined your proposal. The original delivery moment stays."),
    ),
    "order_finished": KindTexts(
        N_("Order %(number)s finished"),
        N_("%(party)s marked the order as finished."),
    ),
    "order_cancelled": KindTexts(
        N_("Order %(number)s cancelled"),
        N_("%(party)s cancelled the order."),
    ),
    "invitation": KindTexts(
        N_("%(company)s invites you to Betotrace"),
        N_(
            "%(inviter)s invites you to join %(company)s on Betotrace, "
            "the ordering platform for ready-mixed concrete."
        ),
    ),
}

GREETING = N_("Hello %(name)s,")
GREETING_ANONYMOUS = N_("Hello,")
ORDER_LINE = N_("Order: %(number)s")
BRANCH_LINE = N_("Branch: %(branch)s")
MOMENT_LINE = N_("Delivery moment: %(moment)s")
PROPOSED_LINE = N_("Proposed delivery moment: %(moment)s")
MESSAGE_LINE = N_("Message from %(party)s: %(message)s")
OPEN_ORDER = N_("Open the order")
SET_PASSWORD = N_("Set your password")
VALID_UNTIL = N_("This link is valid until %(moment)s.")
DATE_AT_TIME = N_("%(date)s at %(time)s")
SIGNATURE = N_("Kind regards,")
FOOTER = N_("You receive this e-mail because you use Betotrace. Times are Belgian time.")
