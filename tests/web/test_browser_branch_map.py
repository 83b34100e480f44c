"""The branch form's map pin: tiles from the configured server, the fields stay the truth."""

from __future__ import annotations

import math
import socket
import struct
import threading
import zlib
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from uuid import UUID, uuid4

import pytest
from playwright.sync_api import Browser, FloatRect, Locator, Page, expect

from betotrace_es.demo import SUPPLIER_ADMIN
from betotrace_es.domain.values import Address, Location
from tests.web.browser import DESKTOP, PHONE, Session
from tests.web.conftest import Demo, LiveServerWith

TILE = 256


def _png() -> bytes:
    """A 256 x 256 grey PNG, made here (no file, no library)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(b"\x00" + b"\xc8" * TILE for _ in range(TILE))
    header = struct.pack(">IIBBBBB", TILE, TILE, 8, 0, 0, 0, 0)  # 8-bit greyscale
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


class TileServer:
    """A tiny tile server on 127.0.0.1: the same PNG for any /z/x/y.png; it counts requests."""

    def __init__(self) -> None:
        self.paths: list[str] = []
        image, paths = _png(), self.paths

        class Tiles(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                paths.append(self.path)
                parts = self.path.strip("/").removesuffix(".png").split("/")
                if len(parts) != 3 or not all(p.isdigit() for p in parts):
                    self.send_error(404)
                    return
                self.send_response(200)
                self.send_header("Content-Type", "image/png")
                self.send_header("Content-Length", str(len(image)))
                self.end_headers()
                self.wfile.write(image)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Tiles)
        self.origin = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        """Stop serving."""
        self.server.shutdown()
        self.thread.join(10)
        self.server.server_close()


@pytest.fixture
def tiles() -> Iterator[TileServer]:
    """A tile server for one test."""
    server = TileServer()
    yield server
    server.close()


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _pixel(lat: float, lon: float, zoom: int) -> tuple[float, float]:
    """Web Mercator world pixel of a point."""
    size, rad = TILE * 2**zoom, math.radians(lat)
    return (
        (lon + 180) / 360 * size,
        (1 - math.log(math.tan(rad) + 1 / math.cos(rad)) / math.pi) / 2 * size,
    )


def _degrees(x: float, y: float, zoom: int) -> tuple[float, float]:
    size = TILE * 2**zoom
    return math.degrees(
        math.atan(math.sinh(math.pi - 2 * math.pi * y / size))
    ), x / size * 360 - 180


BranchAt = Callable[[Location], UUID]


@pytest.fixture
def branch_at(demo: Demo) -> Iterator[BranchAt]:
    """New branches of the demo supplier, closed again after the test (other tests search)."""
    admin, made = demo.actor(SUPPLIER_ADMIN), []

    def register(location: Location) -> UUID:
        recorded = demo.services.app.register_branch(
            admin,
            public_name=f"Centrale Kaart {uuid4().hex[:8]}",
            address=Address.parse("Havenlaan", "3", "9000", "Gent", field="address"),
            location=location,
        )
        demo.services.read.wait_until(recorded.position, 5)
        made.append(recorded.aggregate.id)
        return recorded.aggregate.id

    yield register
    for branch in made:
        closed = demo.services.app.close_branch(admin, branch)
        demo.services.read.wait_until(closed.position, 5)


def _open_form(session: Session, branch: UUID) -> tuple[Page, Locator]:
    page = session.open("/settings/branches")
    form = page.locator(f"form[action='/settings/branches/{branch}']")
    page.locator("details", has=form).locator("summary").click()
    return page, form


def _center(box: FloatRect | None) -> tuple[float, float]:
    assert box is not None
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2


def _close(session: Session, tiles_origin: str) -> None:
    """Close the session: besides the tile server, it asked nothing of any other host."""
    session.outside[:] = [url for url in session.outside if not url.startswith(tiles_origin)]
    session.close()


def test_clicking_the_map_moves_the_pin_and_fills_the_coordinates(
    demo: Demo,
    browser: Browser,
    live_server_with: LiveServerWith,
    tiles: TileServer,
    branch_at: BranchAt,
) -> None:
    branch = branch_at(Location(51.05, 3.72))
    env = {
        "BETOTRACE_MAP_TILES_URL": f"{tiles.origin}/{{z}}/{{x}}/{{y}}.png",
        "BETOTRACE_MAP_ATTRIBUTION": "Test tiles",
    }
    with live_server_with(env) as url:
        session = Session(browser, url, SUPPLIER_ADMIN, DESKTOP)
        page, form = _open_form(session, branch)
        lat, lon = (
            form.locator("input[name='location.lat']"),
            form.locator("input[name='location.lon']"),
        )
        view, pin = form.locator(".map-view"), form.locator(".map-pin")
        expect(view).to_be_visible()
        expect(pin).to_be_visible()
        expect(form.locator(".map-attribution")).to_have_text("Test tiles")
        expect(form.locator(".map-tile").first).to_be_visible()
        x, y = _pixel(51.05, 3.72, 15)
        assert f"/15/{int(x // TILE)}/{int(y // TILE)}.png" in tiles.paths  # the pin's tile

        # The pin starts at the branch's location, in the middle of the map.
        view.scroll_into_view_if_needed()
        box = view.bounding_box()
        assert box is not None
        middle = _center(box)
        assert abs(_center(pin.bounding_box())[0] - middle[0]) < 3

        zoom = int(form.locator("[data-map]").get_attribute("data-zoom-level") or "0")
        view.click(position={"x": box["width"] / 2 + 60, "y": box["height"] / 2 - 40})
        middle = _center(view.bounding_box())
        x, y = _pixel(51.05, 3.72, zoom)
        want_lat, want_lon = _degrees(x + 60, y - 40, zoom)
        tolerance = 2 * 360 / (TILE * 2**zoom)  # two pixels
        assert abs(float(lat.input_value()) - want_lat) < tolerance
        assert abs(float(lon.input_value()) - want_lon) < tolerance
        assert abs(_center(pin.bounding_box())[0] - (middle[0] + 60)) < 3

        # The keyboard zooms: the buttons are buttons.
        form.get_by_role("button", name="Zoom out").focus()
        page.keyboard.press("Enter")
        expect(form.locator("[data-map]")).to_have_attribute("data-zoom-level", str(zoom - 1))

        clicked = (lat.input_value(), lon.input_value())
        form.get_by_role("button", name="Save").click()
        article = page.locator(
            "article", has=page.locator(f"form[action='/settings/branches/{branch}']")
        )
        expect(article.locator(".branch-location")).to_have_text(
            f"Location: {clicked[0]}, {clicked[1]}"
        )
        saved = demo.services.app.get_branch(demo.actor(SUPPLIER_ADMIN), branch).location
        assert saved == Location(float(clicked[0]), float(clicked[1]))
        _close(session, tiles.origin)


def test_typing_coordinates_moves_the_pin_to_them(
    demo: Demo,
    browser: Browser,
    live_server_with: LiveServerWith,
    tiles: TileServer,
    branch_at: BranchAt,
) -> None:
    branch = branch_at(Location(50.85, 4.35))
    env = {"BETOTRACE_MAP_TILES_URL": f"{tiles.origin}/{{z}}/{{x}}/{{y}}.png"}
    with live_server_with(env) as url:
        session = Session(browser, url, SUPPLIER_ADMIN, PHONE)
        _page, form = _open_form(session, branch)
        pin, view = form.locator(".map-pin"), form.locator(".map-view")
        expect(pin).to_be_visible()
        before = len(tiles.paths)
        form.locator("input[name='location.lat']").fill("50.5")
        form.locator("input[name='location.lon']").fill("5.1")
        middle = _center(view.bounding_box())
        expect(pin).to_be_visible()
        assert abs(_center(pin.bounding_box())[0] - middle[0]) < 3
        assert len(tiles.paths) > before  # the map moved there: new tiles
        session.screenshot("branch-map-phone")
        _close(session, tiles.origin)


def test_unreachable_tiles_hide_the_map_and_the_form_still_saves(
    browser: Browser, live_server_with: LiveServerWith, branch_at: BranchAt
) -> None:
    branch = branch_at(Location(51.0, 4.0))
    nowhere = f"http://127.0.0.1:{_closed_port()}"
    with live_server_with({"BETOTRACE_MAP_TILES_URL": f"{nowhere}/{{z}}/{{x}}/{{y}}.png"}) as url:
        session = Session(browser, url, SUPPLIER_ADMIN, DESKTOP)
        page, form = _open_form(session, branch)
        expect(form.locator("[data-map]")).to_have_attribute("data-state", "unreachable")
        expect(form.locator("[data-map]")).to_be_hidden()
        form.locator("input[name='location.lat']").fill("51,2")
        form.locator("input[name='location.lon']").fill("4.4")
        form.get_by_role("button", name="Save").click()
        article = page.locator(
            "article", has=page.locator(f"form[action='/settings/branches/{branch}']")
        )
        expect(article.locator(".branch-location")).to_have_text("Location: 51.2, 4.4")
        _close(session, nowhere)


def test_without_a_tile_server_there_is_no_map_and_no_request(
    browser: Browser, live_server: str, branch_at: BranchAt
) -> None:
    branch = branch_at(Location(51.0, 4.0))
    session = Session(browser, live_server, SUPPLIER_ADMIN, DESKTOP)
    page, form = _open_form(session, branch)
    expect(form.locator("input[name='location.lat']")).to_be_visible()
    assert page.locator("[data-map], .map-tile, script[src*='map.js']").count() == 0
    session.close()  # asserts that no request left the server
