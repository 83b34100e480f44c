"""The main screens in a real browser: a new order on a phone, the language switch, screenshots.

The settings screens (add, change, errors at the field) are in test_browser_settings.py.
"""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Browser, expect

from tests.builders import in_days
from tests.web.browser import DESKTOP, PHONE, SCREENSHOTS, Session
from tests.web.conftest import CUSTOMER_PLANNER, SUPPLIER_PLANNER, Demo


def test_a_site_manager_orders_from_a_phone(demo: Demo, browser: Browser, live_server: str) -> None:
    session = Session(browser, live_server, CUSTOMER_PLANNER, PHONE)
    page = session.open("/orders/new?lat=51.2&lon=4.4")
    session.screenshot("new-order-branch-search-phone")
    page.locator(".branch-list a.button").first.click()
    page.get_by_role("button", name="Send the order request").click()
    expect(page.locator("#error-quantity_m3")).to_be_visible()
    session.screenshot("new-order-errors-phone")
    page.select_option("#f-product_code", index=1)
    page.fill("#f-quantity_m3", "12,5")
    page.fill("#f-date", in_days(6).date().isoformat())
    page.get_by_label("No", exact=True).check()
    page.fill("#f-site-name", "Werf Meir")
    page.fill("#f-site-address-street", "Meir")
    page.fill("#f-site-address-postal_code", "2000")
    page.fill("#f-site-address-city", "Antwerpen")
    page.fill("#f-site-contact_phone", "0470 99 88 77")
    page.get_by_role("button", name="Send the order request").click()
    expect(page.locator("#status")).to_have_text("Awaiting supplier approval")
    expect(page.locator("#action-box")).to_have_attribute("data-box", "blue")
    session.close()


def test_the_language_switch_shows_nl_fr_and_en(browser: Browser, live_server: str) -> None:
    session = Session(browser, live_server, SUPPLIER_PLANNER, DESKTOP)
    page = session.page
    for code, heading, tab in (
        ("NL", "Bestellingen", "Actie nodig van mij"),
        ("FR", "Commandes", "Action requise de ma part"),
        ("EN", "Orders", "Action needed by me"),
    ):
        page.get_by_role("button", name=code, exact=True).click()
        expect(page.locator("h1")).to_have_text(heading)
        expect(page.locator(".tab-action")).to_contain_text(tab)
        session.screenshot(f"orders-list-{code.lower()}")
    session.close()


def test_screenshots_of_the_main_screens(browser: Browser, live_server: str) -> None:
    anonymous = browser.new_context(base_url=live_server, viewport=DESKTOP)  # type: ignore[arg-type]
    page = anonymous.new_page()
    page.goto("/login")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "login.png"))
    anonymous.close()
    for email, size, name in (
        (SUPPLIER_PLANNER, DESKTOP, "supplier-desktop"),
        (CUSTOMER_PLANNER, PHONE, "customer-phone"),
    ):
        session = Session(browser, live_server, email, size)
        session.screenshot(f"orders-{name}")
        session.page.locator(".order-link").first.click()
        session.screenshot(f"order-page-{name}")
        session.page.locator(".user-menu summary").click()
        expect(session.page.get_by_role("link", name="My profile")).to_be_visible()
        session.screenshot(f"user-menu-{name}")
        session.page.get_by_role("link", name="My profile").click()
        session.screenshot(f"profile-{name}")
        session.page.get_by_role("link", name="Settings").click()
        session.screenshot(f"settings-{name}")
        if email == SUPPLIER_PLANNER:
            session.page.get_by_role("link", name="Drivers").click()
            expect(session.page.locator("h1")).to_have_text("Drivers")
            session.screenshot("drivers-supplier-desktop")
            session.open("/settings/contacts")
            session.screenshot("contacts-supplier-desktop")
            session.open("/settings/branches")
            session.screenshot("branches-supplier-desktop")
            session.open("/settings/products")
            session.screenshot("products-supplier-desktop")
            session.open("/settings/users")
            session.screenshot("users-supplier-desktop")
        session.close()
    assert Path(SCREENSHOTS / "login.png").stat().st_size > 0
