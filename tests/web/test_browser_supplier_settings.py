"""Supplier settings in a real browser: branches, products, contact persons.

Each test adds, changes, or sends a refused value, and reads the result back from a fresh page
load; a refused value is shown at its field, the other fields keep what was typed, nothing changes.
"""

from __future__ import annotations

from uuid import uuid4

from playwright.sync_api import Locator, Page, expect

from betotrace_es.domain.values import Address, Location
from tests.web.browser import (
    Session,
    confirmed,
    expect_error_at,
    fits_the_screen,
    submit,
    unique,
)
from tests.web.conftest import ADMIN, Demo


def a_branch(demo: Demo) -> str:
    """A new branch of the supplier, far from the demo's plants, named last in the directory."""
    supplier = demo.actor(ADMIN)
    assert supplier.company_id is not None
    codes = [p.code for p in demo.services.read.settings.products(supplier.company_id)][:2]
    name = unique("Zonhoven")
    recorded = demo.services.app.register_branch(
        supplier,
        public_name=name,
        address=Address.parse("Kolenspoor", "1", "3520", "Zonhoven"),
        location=Location.parse(50.99, 5.37),
        products=codes,
    )
    demo.services.read.wait_until(recorded.position, 5)
    return name


# --- Branches -----------------------------------------------------------------------------------


def _branch_article(page: Page, name: str) -> Locator:
    return page.locator("article", has=page.get_by_role("heading", name=name))


def test_an_admin_adds_a_branch_and_sees_it_in_the_list(admin: Session) -> None:
    page = admin.open("/settings/branches")
    name = unique("Zolder Centrale")
    form = page.locator("form", has=page.get_by_role("button", name="Add the branch"))
    form.get_by_label("Public name").fill(name)
    form.get_by_label("Street").fill("Industrieweg")
    form.get_by_label("Number", exact=True).fill("7")
    form.get_by_label("Postal code").fill("3550")
    form.get_by_label("City").fill("Heusden-Zolder")
    form.get_by_label("Latitude (optional)").fill("51,03")
    form.get_by_label("Longitude (optional)").fill("5.29")
    form.get_by_label("Beton C25/30 EE2 S3 Dmax 20").check()
    assert submit(form.get_by_role("button", name="Add the branch")) == 302
    confirmed(page, "The branch is added.")

    page = admin.open("/settings/branches")
    article = _branch_article(page, name)
    expect(article).to_contain_text("Industrieweg 7, 3550 Heusden-Zolder")
    expect(article).to_contain_text("C25/30-EE2-S3-20")
    article.locator("summary").click()
    expect(article.get_by_label("Latitude (optional)")).to_have_value("51.03")
    expect(article.get_by_label("Longitude (optional)")).to_have_value("5.29")
    expect(article.get_by_label("Takes orders")).to_be_checked()
    admin.screenshot("settings-branches-desktop")


def test_an_admin_changes_a_branch_and_sees_the_change(demo: Demo, admin: Session) -> None:
    name = a_branch(demo)
    page = admin.open("/settings/branches")
    article = _branch_article(page, name)
    article.locator("summary").click()
    article.get_by_label("City").fill("Zonhoven-Centrum")
    article.get_by_label("Latitude (optional)").fill("50.995")
    article.get_by_label("Beton C25/30 EE2 S3 Dmax 20").uncheck()
    article.get_by_label("Takes orders").uncheck()
    assert submit(article.get_by_role("button", name="Save")) == 302
    confirmed(page, "The branch is saved.")

    page = admin.open("/settings/branches")
    article = _branch_article(page, name)
    expect(article).to_contain_text("3520 Zonhoven-Centrum")
    expect(article).to_contain_text("Closed")
    expect(article.locator("p.muted")).not_to_contain_text("C25/30-EE2-S3-20")
    article.locator("summary").click()
    expect(article.get_by_label("Latitude (optional)")).to_have_value("50.995")
    expect(article.get_by_label("Takes orders")).not_to_be_checked()


def test_a_taken_branch_name_and_a_latitude_out_of_range_are_shown_at_their_fields(
    demo: Demo, admin_on_a_phone: Session
) -> None:
    session = admin_on_a_phone
    page = session.open("/settings/branches")
    before = page.locator("article").count()
    form = page.locator("form", has=page.get_by_role("button", name="Add the branch"))
    form.get_by_label("Public name").fill("béton GENT haven")
    form.get_by_label("Street").fill("Dok Noord")
    form.get_by_label("Postal code").fill("9000")
    form.get_by_label("City").fill("Gent")
    form.get_by_label("Latitude (optional)").fill("95")
    form.get_by_label("Longitude (optional)").fill("3.7")
    assert submit(form.get_by_role("button", name="Add the branch")) == 422
    form = page.locator("form", has=page.get_by_role("button", name="Add the branch"))
    expect_error_at(form.get_by_label("Latitude (optional)"), "between -90 and 90")
    expect(form.get_by_label("Latitude (optional)")).to_be_focused()
    expect(form.get_by_label("Street")).to_have_value("Dok Noord")
    expect(form.get_by_label("Longitude (optional)")).to_have_value("3.7")
    fits_the_screen(page)
    session.screenshot("settings-branches-error-phone")

    form.get_by_label("Latitude (optional)").fill("51,05")
    form.get_by_label("Longitude (optional)").fill("oost")
    assert submit(form.get_by_role("button", name="Add the branch")) == 422
    form = page.locator("form", has=page.get_by_role("button", name="Add the branch"))
    expect_error_at(form.get_by_label("Longitude (optional)"), "Enter a number.")
    expect(form.get_by_label("Latitude (optional)")).not_to_have_attribute("aria-invalid", "true")
    expect(form.get_by_label("Latitude (optional)")).to_have_value("51,05")

    form.get_by_label("Public name").fill("Betoncentrale  GENT haven")
    form.get_by_label("Longitude (optional)").fill("3.7")
    assert submit(form.get_by_role("button", name="Add the branch")) == 422
    form = page.locator("form", has=page.get_by_role("button", name="Add the branch"))
    expect_error_at(form.get_by_label("Public name"), "already taken")
    expect(form.get_by_label("City")).to_have_value("Gent")

    name = a_branch(demo)
    page = session.open("/settings/branches")
    article = _branch_article(page, name)
    article.locator("summary").click()
    article.get_by_label("Public name").fill("Betoncentrale Gent Haven")
    article.get_by_label("City").fill("Hasselt")
    assert submit(article.get_by_role("button", name="Save")) == 422
    article = page.locator("details[open]")
    expect_error_at(article.get_by_label("Public name"), "already taken")
    expect(article.get_by_label("City")).to_have_value("Hasselt")

    page = session.open("/settings/branches")
    expect(page.locator("article")).to_have_count(before + 1)
    expect(_branch_article(page, name)).to_contain_text("3520 Zonhoven")
    expect(page.get_by_role("heading", name="Betoncentrale Gent Haven")).to_have_count(1)
    fits_the_screen(page)
    session.screenshot("settings-branches-phone")


# --- Products -----------------------------------------------------------------------------------


def _fill_product(form: Locator, code: str, strength: str) -> None:
    form.get_by_label("Code").fill(code)
    form.get_by_label("Name").fill(f"Beton {code}")
    form.get_by_label("Strength class (e.g. C25/30)").fill(strength)
    form.get_by_label("Exposure classes (e.g. XC2 EE2)").fill("XC4 XF1, EE3")
    form.get_by_label("Consistency (e.g. S3)").fill("S4")
    form.get_by_label("Dmax (mm)").fill("20")
    form.get_by_label("Domain of use (unreinforced, reinforced, prestressed)").fill("reinforced")
    form.get_by_label("Cement type (e.g. CEM III/A 42,5 N LA)").fill("CEM III/A 42,5 N LA")


def _product_article(page: Page, code: str) -> Locator:
    return page.locator("article", has=page.locator("h2", has_text=code))


def test_an_admin_adds_a_product_and_sees_it_in_the_catalogue(admin: Session) -> None:
    page = admin.open("/settings/products")
    code = f"T-{uuid4().hex[:6].upper()}"
    form = page.locator("form", has=page.get_by_role("button", name="Add the product"))
    _fill_product(form, code, "C30/37")
    assert submit(form.get_by_role("button", name="Add the product")) == 302
    confirmed(page, "The product is added.")

    page = admin.open("/settings/products")
    article = _product_article(page, code)
    expect(article.locator("h2")).to_contain_text(f"Beton {code}")
    expect(article).to_contain_text("C30/37 · XC4 XF1 EE3 · S4 · Dmax 20")
    expect(article).to_contain_text("CEM III/A 42,5 N LA")
    admin.screenshot("settings-products-desktop")


def test_an_admin_changes_a_product_stops_selling_it_and_sells_it_again(admin: Session) -> None:
    page = admin.open("/settings/products")
    code = f"T-{uuid4().hex[:6].upper()}"
    form = page.locator("form", has=page.get_by_role("button", name="Add the product"))
    _fill_product(form, code, "C30/37")
    assert submit(form.get_by_role("button", name="Add the product")) == 302

    article = _product_article(page, code)
    article.locator("summary").click()
    article.get_by_label("Name").fill(f"Pompbeton {code}")
    article.get_by_label("Consistency (e.g. S3)").fill("S5")
    assert submit(article.get_by_role("button", name="Save")) == 302
    confirmed(page, "The product is saved.")
    page = admin.open("/settings/products")
    article = _product_article(page, code)
    expect(article.locator("h2")).to_contain_text(f"Pompbeton {code}")
    expect(article).to_contain_text("· S5 ·")

    article.locator("summary").click()
    article.get_by_label("On sale").uncheck()
    assert submit(article.get_by_role("button", name="Save")) == 302
    confirmed(page, "The product is saved.")
    page = admin.open("/settings/products")
    expect(_product_article(page, code)).to_contain_text("Not on sale")

    article = _product_article(page, code)
    article.locator("summary").click()
    article.get_by_label("On sale").check()
    assert submit(article.get_by_role("button", name="Save")) == 302
    confirmed(page, "The product is saved.")
    page = admin.open("/settings/products")
    expect(_product_article(page, code)).not_to_contain_text("Not on sale")


def test_an_unknown_strength_or_exposure_class_is_shown_at_its_field(
    admin_on_a_phone: Session,
) -> None:
    session = admin_on_a_phone
    page = session.open("/settings/products")
    before = page.locator("article").count()
    code = f"T-{uuid4().hex[:6].upper()}"
    form = page.locator("form", has=page.get_by_role("button", name="Add the product"))
    _fill_product(form, code, "C99/99")
    form.get_by_label("Exposure classes (e.g. XC2 EE2)").fill("XC4 XZ9")
    form.get_by_label("Name").fill("")
    form.get_by_label("Dmax (mm)").fill("twintig")
    assert submit(form.get_by_role("button", name="Add the product")) == 422

    form = page.locator("form", has=page.get_by_role("button", name="Add the product"))
    expect_error_at(form.get_by_label("Strength class (e.g. C25/30)"), "'C99/99' is not")
    expect(form.get_by_label("Name")).to_be_focused()
    expect_error_at(form.get_by_label("Exposure classes (e.g. XC2 EE2)"), "'XZ9' is not")
    expect_error_at(form.get_by_label("Name"), "is required")
    expect_error_at(form.get_by_label("Dmax (mm)"), "Enter a number.")
    expect(form.get_by_label("Dmax (mm)")).to_have_value("twintig")
    expect(form.get_by_label("Code")).to_have_value(code)
    expect(form.get_by_label("Consistency (e.g. S3)")).to_have_value("S4")
    expect(form.get_by_label("Exposure classes (e.g. XC2 EE2)")).to_have_value("XC4 XZ9")
    fits_the_screen(page)
    session.screenshot("settings-products-error-phone")

    page = session.open("/settings/products")
    expect(page.locator("article")).to_have_count(before)
    expect(page.locator("article", has_text=code)).to_have_count(0)
    fits_the_screen(page)
    session.screenshot("settings-products-phone")


# --- Contact persons ----------------------------------------------------------------------------


def _contact_article(page: Page, name: str) -> Locator:
    return page.locator("article", has=page.locator("h2", has_text=name))


def _add_contact(page: Page, first: str, last: str, branch: str, *, default: bool) -> int:
    form = page.locator("form", has=page.get_by_role("button", name="Add the contact person"))
    form.get_by_label("First name").fill(first)
    form.get_by_label("Last name").fill(last)
    form.get_by_label("Job title").fill("Verkoper")
    form.get_by_label("E-mail address").fill(f"{first.lower()}@betoncentrale.example.be")
    form.get_by_label("Label (e.g. mobile)").first.fill("mobile")
    form.get_by_label("Number").first.fill("0472 33 44 55")
    choice = form.locator(".branch-choice", has_text=branch)
    choice.get_by_label(branch).check()
    if default:
        choice.get_by_label("default contact").check()
    return submit(form.get_by_role("button", name="Add the contact person"))


def test_an_admin_adds_a_contact_person_who_becomes_the_branch_default(
    demo: Demo, admin: Session
) -> None:
    branch = a_branch(demo)
    last = unique("Maes")
    page = admin.open("/settings/contacts")
    assert _add_contact(page, "Sofie", last, branch, default=True) == 302
    confirmed(page, "The contact person is added.")

    page = admin.open("/settings/contacts")
    article = _contact_article(page, last)
    expect(article.locator("h2")).to_contain_text(f"Sofie {last} · Verkoper")
    expect(article).to_contain_text("sofie@betoncentrale.example.be")
    expect(article.locator("a[href='tel:+32472334455']")).to_be_visible()
    expect(article.locator("p.muted")).to_have_text(f"{branch} (default contact)")
    admin.screenshot("settings-contacts-desktop")


def test_an_admin_changes_a_contact_person_and_a_new_default_takes_over(
    demo: Demo, admin: Session
) -> None:
    branch = a_branch(demo)
    first_last, second_last = unique("Jacobs"), unique("Wouters")
    page = admin.open("/settings/contacts")
    assert _add_contact(page, "Els", first_last, branch, default=True) == 302
    article = _contact_article(page, first_last)
    article.locator("summary").click()
    article.get_by_label("Job title").fill("Hoofd verkoop")
    article.get_by_label("Label (e.g. mobile)").nth(1).fill("office")
    article.get_by_label("Number").nth(1).fill("011 22 33 44")
    assert submit(article.get_by_role("button", name="Save")) == 302
    confirmed(page, "The contact person is saved.")

    page = admin.open("/settings/contacts")
    article = _contact_article(page, first_last)
    expect(article.locator("h2")).to_contain_text("Hoofd verkoop")
    expect(article.locator("a[href='tel:+3211223344']")).to_contain_text("office")

    assert _add_contact(page, "Tom", second_last, branch, default=True) == 302
    page = admin.open("/settings/contacts")
    expect(_contact_article(page, second_last).locator("p.muted")).to_have_text(
        f"{branch} (default contact)"
    )
    expect(_contact_article(page, first_last).locator("p.muted")).to_have_text(branch)


def test_a_wrong_e_mail_and_an_empty_name_of_a_contact_are_shown_at_their_fields(
    admin_on_a_phone: Session,
) -> None:
    session = admin_on_a_phone
    page = session.open("/settings/contacts")
    before = page.locator("article").count()
    form = page.locator("form", has=page.get_by_role("button", name="Add the contact person"))
    form.get_by_label("First name").fill("Lotte")
    form.get_by_label("Job title").fill("Planner")
    form.get_by_label("E-mail address").fill("lotte-at-betoncentrale")
    form.get_by_label("Number").first.fill("0472 33 44 55")
    form.get_by_label("Label (e.g. mobile)").first.fill("mobile")
    gent = form.locator(".branch-choice", has_text="Betoncentrale Gent Haven")
    gent.get_by_label("default contact").check()
    assert submit(form.get_by_role("button", name="Add the contact person")) == 422

    form = page.locator("form", has=page.get_by_role("button", name="Add the contact person"))
    expect_error_at(form.get_by_label("E-mail address"), "is not an e-mail address")
    expect_error_at(form.get_by_label("Last name"), "is required")
    expect(form.get_by_label("Last name")).to_be_focused()
    expect(form.get_by_label("First name")).to_have_value("Lotte")
    expect(form.get_by_label("Job title")).to_have_value("Planner")
    expect(form.get_by_label("Number").first).to_have_value("0472 33 44 55")
    branches = form.locator("fieldset", has_text="Contact for these branches")
    expect_error_at(branches, "tick the branch as well")
    expect(gent.get_by_label("default contact")).to_be_checked()
    fits_the_screen(page)
    session.screenshot("settings-contacts-error-phone")

    page = session.open("/settings/contacts")
    expect(page.locator("article")).to_have_count(before)
    expect(page.locator("article", has_text="Lotte")).to_have_count(0)
    expect(_contact_article(page, "Koen Verhoeven").locator("p.muted")).to_contain_text(
        "Betoncentrale Gent Haven (default contact)"
    )
    fits_the_screen(page)
    session.screenshot("settings-contacts-phone")
