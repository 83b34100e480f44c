"""Real Chromium (Debian's) against a real server on 127.0.0.1: fixtures and page helpers."""

from __future__ import annotations

import os
import re
from pathlib import Path
from uuid import uuid4

from playwright.sync_api import Browser, Locator, Page, expect

from betotrace_es.demo import DEMO_PASSWORD

CHROMIUM = os.environ.get("BETOTRACE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
SCREENSHOTS = Path("var/screenshots")
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 812}


class Session:
    """One signed-in browser context; every request it makes stays on the test server."""

    def __init__(
        self, browser: Browser, base_url: str, email: str, viewport: dict[str, int]
    ) -> None:
        self.base_url = base_url
        self.context = browser.new_context(base_url=base_url, viewport=viewport)  # type: ignore[arg-type]
        self.context.set_default_timeout(10_000)
        self.outside: list[str] = []
        self.context.on("request", self._watch)
        self.page: Page = self.context.new_page()
        self.page.goto("/login")
        self.page.get_by_role("button", name="EN", exact=True).click()
        self.page.fill("#email", email)
        self.page.fill("#password", DEMO_PASSWORD)
        self.page.locator("form.stack button[type=submit]").click()
        expect(self.page.locator("h1")).to_have_text("Orders")

    def _watch(self, request: object) -> None:
        url = str(getattr(request, "url", ""))
        if not url.startswith((self.base_url, "data:", "about:")):
            self.outside.append(url)

    def open(self, path: str) -> Page:
        """Go to a page of the UI."""
        self.page.goto(path)
        return self.page

    def screenshot(self, name: str) -> Path:
        """Save the page as a test artefact in var/screenshots/."""
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path

    def close(self) -> None:
        """Close the context; it asked nothing of any other host."""
        self.context.close()
        assert self.outside == [], f"requests to other hosts: {self.outside}"


def expect_order(page: Page, *, box: str, status: str, timeline: list[str]) -> None:
    """The order page shows this box colour, status label and these history entries."""
    expect(page.locator("#action-box")).to_have_attribute("data-box", box)
    expect(page.locator("#status")).to_have_text(status)
    for entry in timeline:
        expect(page.locator("#timeline")).to_contain_text(entry)


def submit(button: Locator) -> int:
    """Click a form's button; the HTTP status of the POST it sent."""
    with button.page.expect_response(lambda r: r.request.method == "POST") as posted:
        button.click()
    status = posted.value.status
    button.page.wait_for_load_state()
    return status


def confirmed(page: Page, message: str) -> None:
    """The page says, as a status message, that the change is saved; no field is in error."""
    expect(page.get_by_role("status")).to_have_text(message)
    expect(page.locator(".field-error")).to_have_count(0)


def expect_error_at(field: Locator, message: str | re.Pattern[str]) -> None:
    """The input (or group) is invalid and its message, in its own field container, says why."""
    expect(field).to_have_attribute("aria-invalid", "true")
    described = field.get_attribute("aria-describedby")
    assert described, "the input names no message"
    note = field.page.locator(f'[id="{described}"]')
    expect(note).to_have_count(1)
    expect(note).to_be_visible()
    expect(note).to_contain_text(message)
    field_class = "contains(concat(' ', @class, ' '), ' field ')"
    container = field.locator(f"xpath=ancestor-or-self::*[{field_class}][1]")
    expect(container.locator(f'[id="{described}"]')).to_have_count(1)


def fits_the_screen(page: Page) -> None:
    """Nothing sticks out sideways: the page needs no horizontal scrolling."""
    width = page.evaluate("document.documentElement.scrollWidth")
    viewport = page.viewport_size
    assert viewport is not None
    assert width <= viewport["width"], f"{width}px wide on a {viewport['width']}px screen"


def unique(prefix: str) -> str:
    """A name no other test uses."""
    return f"{prefix} {uuid4().hex[:6].upper()}"
