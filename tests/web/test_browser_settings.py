"""Settings in a real browser: my profile, drivers and users (add, change, errors at the field).

Each test reads its data back from a fresh page load (the store and the read models), not from
the form it just sent; a refused value leaves the other fields as typed and changes nothing.
Branches, products and contact persons: test_browser_supplier_settings.py.
"""

from __future__ import annotations

from uuid import uuid4

from playwright.sync_api import Browser, Locator, Page, expect

from betotrace_es.demo import DEMO_PASSWORD
from betotrace_es.domain.people import Profile
from betotrace_es.domain.values import PhoneNumber, Role
from betotrace_es.passwords import hash_password
from tests.web.browser import (
    DESKTOP,
    PHONE,
    Session,
    confirmed,
    expect_error_at,
    fits_the_screen,
    submit,
    unique,
)
from tests.web.conftest import ADMIN, Demo


def a_colleague(demo: Demo, role: Role = Role.PLANNER, phone: str = "") -> str:
    """The e-mail of a new active user of the supplier (password: the demo password)."""
    email = f"colleague-{uuid4().hex[:8]}@betoncentrale.example.be"
    user = demo.services.app.invite_user(demo.actor(ADMIN), email, role).aggregate
    recorded = demo.services.app.accept_invitation(
        user.id, first_name="Nina", last_name="Nieuw", password_hash=hash_password(DEMO_PASSWORD)
    )
    if phone:
        profile = Profile.parse(
            first_name="Nina", last_name="Nieuw", phone_numbers=[PhoneNumber.parse("mobile", phone)]
        )
        recorded = demo.services.app.update_profile(demo.actor(email), profile)
    demo.services.read.wait_until(recorded.position, 5)
    return email


# --- My profile ---------------------------------------------------------------------------------


def test_a_user_changes_their_name_and_job_title_and_adds_a_phone_number(
    demo: Demo, browser: Browser, live_server: str
) -> None:
    session = Session(browser, live_server, a_colleague(demo), PHONE)
    page = session.open("/profile")
    form = page.locator("main form")
    form.get_by_label("First name").fill("Nadia")
    form.get_by_label("Job title").fill("Werfleider")
    form.get_by_label("Language").select_option("en")
    form.get_by_label("Label (e.g. mobile)").fill("mobile")
    form.get_by_label("Number").fill("0470 12 34 56")
    assert submit(form.get_by_role("button", name="Save")) == 302
    confirmed(page, "Your profile is saved.")

    page = session.open("/profile")
    form = page.locator("main form")
    expect(form.get_by_label("First name")).to_have_value("Nadia")
    expect(form.get_by_label("Last name")).to_have_value("Nieuw")
    expect(form.get_by_label("Job title")).to_have_value("Werfleider")
    expect(form.get_by_label("Language")).to_have_value("en")
    expect(form.locator('[id="f-phone_numbers[0]-label"]')).to_have_value("mobile")
    expect(form.locator('[id="f-phone_numbers[0]-number"]')).to_have_value("+32470123456")
    expect(form.locator('[id="f-phone_numbers[1]-number"]')).to_have_value("")
    expect(page.locator(".user-menu .menu-who")).to_contain_text("Nadia Nieuw")
    fits_the_screen(page)
    session.screenshot("settings-profile-phone")
    session.close()


def test_a_wrong_phone_number_and_an_empty_name_are_shown_at_their_fields(
    demo: Demo, browser: Browser, live_server: str
) -> None:
    session = Session(browser, live_server, a_colleague(demo, phone="0470 11 22 33"), PHONE)
    page = session.open("/profile")
    form = page.locator("main form")
    first_row = form.locator('[id="f-phone_numbers[0]-number"]')
    second_row = form.locator('[id="f-phone_numbers[1]-number"]')
    expect(first_row).to_have_value("+32470112233")
    form.get_by_label("First name").fill("")
    form.get_by_label("Job title").fill("Calculator")
    form.locator('[id="f-phone_numbers[0]-label"]').fill("")
    first_row.fill("")
    form.locator('[id="f-phone_numbers[1]-label"]').fill("office")
    second_row.fill("12")
    assert submit(form.get_by_role("button", name="Save")) == 422

    expect_error_at(form.get_by_label("First name"), "is required")
    expect(form.get_by_label("First name")).to_be_focused()
    expect_error_at(second_row, "'12' is not")
    expect(first_row).not_to_have_attribute("aria-invalid", "true")
    expect(first_row).to_have_value("")
    expect(second_row).to_have_value("12")
    expect(form.locator('[id="f-phone_numbers[1]-label"]')).to_have_value("office")
    expect(form.get_by_label("Last name")).to_have_value("Nieuw")
    expect(form.get_by_label("Job title")).to_have_value("Calculator")
    expect(page.get_by_role("alert")).to_be_visible()
    fits_the_screen(page)
    session.screenshot("settings-profile-error-phone")

    page = session.open("/profile")
    expect(form.get_by_label("First name")).to_have_value("Nina")
    expect(form.get_by_label("Job title")).to_have_value("")
    expect(first_row).to_have_value("+32470112233")
    expect(second_row).to_have_value("")
    session.close()


# --- Drivers ------------------------------------------------------------------------------------


def test_a_planner_adds_a_driver_changes_their_name_and_deactivates_them(
    browser: Browser, live_server: str
) -> None:
    session = Session(browser, live_server, "planner@betoncentrale.example.be", PHONE)
    page = session.open("/settings/drivers")
    last = unique("Wouters")
    page.get_by_label("First name").last.fill("Ward")
    page.get_by_label("Last name").last.fill(last)
    page.get_by_label("Mobile").last.fill("12")
    assert submit(page.get_by_role("button", name="Add the driver")) == 422
    expect_error_at(page.locator("#f-mobile"), "'12' is not")
    expect(page.locator("#f-mobile")).to_be_focused()
    expect(page.locator("#f-first_name")).to_have_value("Ward")
    expect(page.locator("#f-last_name")).to_have_value(last)
    expect(page.locator("table.drivers tr", has_text=last)).to_have_count(0)
    fits_the_screen(page)
    session.screenshot("settings-drivers-error-phone")

    page.locator("#f-mobile").fill("0476 12 34 56")
    assert submit(page.get_by_role("button", name="Add the driver")) == 302
    confirmed(page, "The driver is added.")
    page = session.open("/settings/drivers")
    row = page.locator("table.drivers tr", has_text=last)
    expect(row).to_contain_text("Ward")
    expect(row).to_contain_text("+32 476 12 34 56")

    row.locator("summary").click()
    row.get_by_label("Last name").fill(f"{last}-Peeters")
    row.get_by_label("Mobile").fill("1")
    assert submit(row.get_by_role("button", name="Save")) == 422
    row = page.locator("table.drivers tr", has=page.locator("details[open]"))
    expect_error_at(row.get_by_label("Mobile"), "'1' is not")
    expect(row.get_by_label("Last name")).to_have_value(f"{last}-Peeters")
    expect(row.locator("td").first).to_have_text(f"Ward {last}")
    row.get_by_label("Mobile").fill("0476 65 43 21")
    assert submit(row.get_by_role("button", name="Save")) == 302
    confirmed(page, "The driver is saved.")
    page = session.open("/settings/drivers")
    row = page.locator("table.drivers tr", has_text=f"{last}-Peeters")
    expect(row).to_contain_text("+32 476 65 43 21")
    expect(row).to_contain_text("Active")
    fits_the_screen(page)
    session.screenshot("settings-drivers-phone")

    row.locator("summary").click()
    row.get_by_label("Can be assigned to deliveries").uncheck()
    assert submit(row.get_by_role("button", name="Save")) == 302
    confirmed(page, "The driver is saved.")
    page = session.open("/settings/drivers")
    row = page.locator("table.drivers tr", has_text=f"{last}-Peeters")
    expect(row.locator("td").nth(2)).to_have_text("Inactive")
    session.close()


# --- Users --------------------------------------------------------------------------------------


def _user_row(page: Page, email: str) -> Locator:
    return page.locator("table.users tbody tr", has_text=email)


def _save_user(
    page: Page, email: str, *, role: str | None = None, active: bool | None = None
) -> int:
    row = _user_row(page, email)
    row.locator("summary").click()
    if role is not None:
        row.get_by_label("Role").select_option(label=role)
    if active is not None:
        row.get_by_label("Can log in").set_checked(active)
    return submit(row.get_by_role("button", name="Save"))


def _invite(page: Page, email: str, role: str) -> int:
    form = page.locator("form", has=page.get_by_role("button", name="Send the invitation"))
    form.get_by_label("E-mail address").fill(email)
    form.get_by_label("Role").select_option(label=role)
    return submit(form.get_by_role("button", name="Send the invitation"))


def test_an_admin_invites_a_colleague_and_sees_them_in_the_list(admin: Session) -> None:
    email = f"invitee-{uuid4().hex[:8]}@betoncentrale.example.be"
    page = admin.open("/settings/users")
    assert _invite(page, email, "Viewer") == 302
    expect(page.get_by_role("status")).to_contain_text(f"{email} is invited. Invitation link: ")
    row = _user_row(page, email)
    expect(row).to_contain_text("Viewer")
    expect(row).to_contain_text("Invited")

    page = admin.open("/settings/users")
    row = _user_row(page, email)
    expect(row).to_contain_text("Viewer")
    expect(row).to_contain_text("Invited")
    admin.screenshot("settings-users-desktop")


def test_an_admin_changes_the_role_of_an_invitee(admin: Session) -> None:
    email = f"invitee-{uuid4().hex[:8]}@betoncentrale.example.be"
    page = admin.open("/settings/users")
    assert _invite(page, email, "Viewer") == 302
    assert _save_user(page, email, role="Planner") == 302
    confirmed(page, "The user is saved.")
    page = admin.open("/settings/users")
    expect(_user_row(page, email)).to_contain_text("Planner")
    expect(_user_row(page, email)).to_contain_text("Invited")


def test_an_admin_changes_a_role_deactivates_and_reactivates_a_colleague(
    demo: Demo, admin: Session, browser: Browser, live_server: str
) -> None:
    email = a_colleague(demo, Role.VIEWER)
    page = admin.open("/settings/users")
    assert _save_user(page, email, role="Planner") == 302
    confirmed(page, "The user is saved.")
    page = admin.open("/settings/users")
    expect(_user_row(page, email)).to_contain_text("Planner")
    expect(_user_row(page, email)).to_contain_text("Active")

    assert _save_user(page, email, active=False) == 302
    confirmed(page, "The user is saved.")
    page = admin.open("/settings/users")
    expect(_user_row(page, email)).to_contain_text("Inactive")
    refused = browser.new_context(base_url=live_server, viewport=DESKTOP)  # type: ignore[arg-type]
    login = refused.new_page()
    login.goto("/login")
    login.fill("#email", email)
    login.fill("#password", DEMO_PASSWORD)
    assert submit(login.locator("form.stack button[type=submit]")) == 401
    refused.close()

    assert _save_user(page, email, active=True) == 302
    confirmed(page, "The user is saved.")
    page = admin.open("/settings/users")
    expect(_user_row(page, email)).to_contain_text("Active")
    expect(_user_row(page, email)).to_contain_text("Planner")
    Session(browser, live_server, email, DESKTOP).close()  # can log in again


def test_a_wrong_or_taken_invitation_address_is_shown_at_the_field(
    admin_on_a_phone: Session,
) -> None:
    session = admin_on_a_phone
    page = session.open("/settings/users")
    before = page.locator("table.users tbody tr").count()
    assert _invite(page, "jan.betoncentrale.example.be", "Admin") == 422
    form = page.locator("form", has=page.get_by_role("button", name="Send the invitation"))
    expect_error_at(form.get_by_label("E-mail address"), "is not an e-mail address")
    expect(form.get_by_label("E-mail address")).to_be_focused()
    expect(form.get_by_label("E-mail address")).to_have_value("jan.betoncentrale.example.be")
    expect(form.get_by_label("Role")).to_have_value("admin")
    fits_the_screen(page)
    session.screenshot("settings-users-error-phone")

    assert _invite(page, "Planner@betoncentrale.example.be", "Viewer") == 422
    form = page.locator("form", has=page.get_by_role("button", name="Send the invitation"))
    expect_error_at(form.get_by_label("E-mail address"), "already has an account")
    expect(form.get_by_label("Role")).to_have_value("viewer")

    page = session.open("/settings/users")
    expect(page.locator("table.users tbody tr")).to_have_count(before)
    expect(_user_row(page, "planner@betoncentrale.example.be")).to_contain_text("Planner")
    fits_the_screen(page)
    session.screenshot("settings-users-phone")
