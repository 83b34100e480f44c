"""E-mail of every workflow step, through a real SMTP server on loopback, on both backends."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from betotrace_es.application import Betotrace
from betotrace_es.domain.people import ContactDetails, Profile
from betotrace_es.invitations import read_invitation_token
from tests.builders import World, a_placement, a_site, in_days
from tests.notify_support import (
    BASE_URL,
    CONTACT_EMAIL,
    SECRET,
    Mailing,
    SmtpServer,
    add_default_contact,
    body,
    html,
    mail_settings,
    open_mailing,
    uid,
)


@pytest.fixture
def mailing(app: Betotrace, smtp: SmtpServer, tmp_path: Path) -> Iterator[Mailing]:
    yield from open_mailing(app, mail_settings(tmp_path, smtp.port))


@pytest.fixture
def told(world: World, mailing: Mailing, smtp: SmtpServer) -> World:
    """The world with a default contact; the supplier planner reads English; inbox emptied."""
    add_default_contact(world)
    planner = world.app.get_user(world.supplier, uid(world.supplier))
    english = Profile.parse(first_name="Sam", last_name="Smith", language="en")
    world.app.update_profile(world.supplier, english)
    assert planner.profile.language == "nl"
    mailing.deliver()
    smtp.inbox.take()
    return world


def email_of(world: World, who: str) -> str:
    actor = world.actors[who]
    return world.app.get_user(actor, uid(actor)).email


def step(mailing: Mailing, smtp: SmtpServer) -> dict[str, tuple[str, str, str]]:
    """Deliver, then what arrived by recipient: (subject, plain text, html)."""
    mailing.deliver()
    found: dict[str, tuple[str, str, str]] = {}
    for message in smtp.inbox.take():
        address = message["To"].addresses[0].addr_spec
        assert address not in found, f"{address} got two mails"
        found[address] = (str(message["Subject"]), body(message), html(message))
    return found


def test_each_workflow_step_mails_exactly_the_other_party_in_their_language(
    told: World, mailing: Mailing, smtp: SmtpServer
) -> None:
    w = told
    admin_s, planner_s = email_of(w, "supplier_admin"), email_of(w, "supplier_planner")
    planner_c = email_of(w, "customer_planner")
    order = w.request()
    link = f"{BASE_URL}/orders/{order.id}"

    mailing.deliver()
    arrived = smtp.inbox.take()
    assert sorted(str(m["Content-Language"]) for m in arrived) == ["en", "nl", "nl"]
    smtp.inbox.received.extend(arrived)
    got = step(mailing, smtp)
    assert set(got) == {admin_s, planner_s, CONTACT_EMAIL}
    assert got[admin_s][0] == f"Nieuw bestellingsverzoek {order.number}"
    assert got[planner_s][0] == f"New order request {order.number}"
    assert got[CONTACT_EMAIL][0] == f"Nieuw bestellingsverzoek {order.number}"
    assert "Hello Sam Smith," in got[planner_s][1]
    assert link in got[planner_s][1]
    assert f'href="{link}"' in got[planner_s][2]

    w.app.accept_order(w.supplier, order.id)
    got = step(mailing, smtp)
    assert set(got) == {planner_c}
    assert got[planner_c][0] == f"Bestelling {order.number} aanvaard"
    assert "heeft de bestelling aanvaard" in got[planner_c][1]
    assert link in got[planner_c][1]

    w.app.propose_reschedule(w.customer, order.id, in_days(5), "Pomp pas vrij om 10u <b>")
    got = step(mailing, smtp)
    assert set(got) == {admin_s, planner_s}
    assert got[planner_s][0] == f"New delivery moment proposed for order {order.number}"
    assert "Message from" in got[planner_s][1]
    assert "Pomp pas vrij om 10u <b>" in got[planner_s][1]
    assert "Pomp pas vrij om 10u &lt;b&gt;" in got[planner_s][2]
    assert "Proposed delivery moment:" in got[planner_s][1]

    w.app.decline_proposal(w.supplier_admin, order.id, "Geen capaciteit")
    got = step(mailing, smtp)
    assert set(got) == {planner_c}  # the requester, who also proposed: one mail, the confirmation
    assert got[planner_c][0] == f"Uw voorstel voor bestelling {order.number} werd geweigerd"
    assert "Geen capaciteit" in got[planner_c][1]


def test_accepting_a_proposal_confirms_it_to_the_proposer_and_tells_the_rest_of_the_party(
    told: World, mailing: Mailing, smtp: SmtpServer
) -> None:
    w = told
    admin_s, planner_s = email_of(w, "supplier_admin"), email_of(w, "supplier_planner")
    order = w.request()
    w.app.propose_reschedule(w.supplier, order.id, in_days(6), "")
    step(mailing, smtp)

    w.app.accept_proposal(w.customer_admin, order.id)
    got = step(mailing, smtp)

    assert set(got) == {admin_s, planner_s}
    assert got[planner_s][0] == f"Your proposal for order {order.number} was accepted"
    assert got[admin_s][0] == f"Nieuw levermoment aanvaard voor bestelling {order.number}"


def test_finishing_and_cancelling_tell_the_other_party_in_french_too(
    told: World, mailing: Mailing, smtp: SmtpServer
) -> None:
    w = told
    admin_s, planner_s = email_of(w, "supplier_admin"), email_of(w, "supplier_planner")
    admin_c = email_of(w, "customer_admin")
    mine = w.app.request_order(
        w.customer_admin,
        branch_id=w.branch_id,
        product_code="C25/30-XC2-S3",
        quantity_m3="8",
        delivery_at=in_days(4),
        placement=a_placement(),
        site=a_site(),
    ).aggregate
    step(mailing, smtp)

    w.app.accept_order(w.supplier, mine.id)
    step(mailing, smtp)
    w.app.finish_order(w.supplier, mine.id)
    got = step(mailing, smtp)
    assert set(got) == {admin_c}
    assert got[admin_c][0] == f"Commande {mine.number} terminée"
    assert "a marqué la commande comme terminée" in got[admin_c][1]
    other = w.request()
    step(mailing, smtp)
    w.app.cancel_order(w.customer, other.id, "Werf stilgelegd")
    got = step(mailing, smtp)
    assert set(got) == {admin_s, planner_s}
    assert got[admin_s][0] == f"Bestelling {other.number} geannuleerd"
    assert "Werf stilgelegd" in got[planner_s][1]


def test_a_deactivated_user_is_never_told_and_the_actor_never_is(
    told: World, mailing: Mailing, smtp: SmtpServer
) -> None:
    w = told
    w.app.change_membership(w.supplier_admin, uid(w.supplier), active=False)
    step(mailing, smtp)
    order = w.request()
    got = step(mailing, smtp)
    assert set(got) == {email_of(w, "supplier_admin"), CONTACT_EMAIL}

    w.app.accept_order(w.supplier_admin, order.id)
    got = step(mailing, smtp)
    assert email_of(w, "supplier_admin") not in got


def test_an_invitation_mails_a_link_the_api_accepts(
    told: World, mailing: Mailing, smtp: SmtpServer
) -> None:
    w = told
    invitee = w.app.invite_user(w.customer_admin, "nieuw@customer.example.be", w.customer.role)
    got = step(mailing, smtp)
    subject, text, _ = got["nieuw@customer.example.be"]
    assert "vous invite sur Betotrace" in subject  # the inviting admin reads French
    token = text.split(f"{BASE_URL}/invitations/")[1].split()[0]
    user_id, _expires = read_invitation_token(SECRET, token, max_age=3600)
    assert user_id == invitee.aggregate.id


def test_a_user_who_is_also_the_default_contact_gets_one_mail_in_their_language(
    told: World, mailing: Mailing, smtp: SmtpServer
) -> None:
    w = told  # the supplier planner reads English; the default contact is someone else
    planner_email = email_of(w, "supplier_planner")
    details = ContactDetails.parse(first_name="Sam", last_name="Smith", email=planner_email)
    w.app.register_contact(w.supplier_admin, details, [w.branch_id], [w.branch_id])
    step(mailing, smtp)

    w.request()
    got = step(mailing, smtp)  # it fails on a second mail to one address

    assert CONTACT_EMAIL not in got  # no longer the default contact
    subject, _, _ = got[planner_email]
    assert subject.startswith("New order request")


def test_when_the_requester_has_left_the_customers_planners_are_told_instead(
    told: World, mailing: Mailing, smtp: SmtpServer
) -> None:
    w = told
    order = w.request()  # by the customer planner
    step(mailing, smtp)
    w.app.change_membership(w.customer_admin, uid(w.customer), active=False)
    step(mailing, smtp)

    w.app.accept_order(w.supplier, order.id)
    got = step(mailing, smtp)

    assert set(got) == {email_of(w, "customer_admin")}
    feed = mailing.read.notifications.feed(uid(w.customer_admin))
    assert [item.kind for item in feed.items] == ["order_accepted"]
