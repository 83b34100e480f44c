"""Real Chromium (Debian's) against a real server on 127.0.0.1: fixtures and page helpers."""

from __future__ import annotations

import os
from pathlib import Path

from playwright.sync_api import Browser, Page, expect

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
