"""Settings → Products: admins add and change EN 206 products; wrong classes shown at the field."""

from __future__ import annotations

from uuid import uuid4

from flask.testing import FlaskClient

from tests.web.conftest import SUPPLIER_PLANNER, Demo, csrf_token, log_in

ADMIN = "admin@betoncentrale.example.be"


def _post(client: FlaskClient, path: str, data: dict[str, str]) -> tuple[int, str]:
    token = csrf_token(client.get("/settings/products").get_data(as_text=True))
    response = client.post(path, data={"csrf_token": token, **data}, follow_redirects=True)
    return response.status_code, response.get_data(as_text=True)


def _fields(code: str) -> dict[str, str]:
    return {
        "code": code,
        "name": f"Beton {code}",
        "strength_class": "C30/37",
        "exposure_classes": "XC4, XF1 EE3",
        "consistency_class": "S4",
        "dmax_mm": "20",
        "domain_of_use": "reinforced",
        "cement_type": "CEM III/A 42,5 N LA",
    }


def test_an_admin_adds_a_product_and_stops_selling_it(demo: Demo, client: FlaskClient) -> None:
    log_in(client, ADMIN)
    code = f"T-{uuid4().hex[:6].upper()}"
    status, html = _post(client, "/settings/products", _fields(code))
    assert status == 200
    assert f"Beton {code}" in html
    status, html = _post(
        client, "/settings/products/change", {**_fields(code), "was_active": "yes"}
    )
    assert "flash-success" in html, html[html.find("flashes") :][:400]
    supplier = demo.actor(ADMIN).company_id
    assert supplier is not None
    found = next(p for p in demo.services.read.settings.products(supplier) if p.code == code)
    assert not found.active
    assert found.spec.exposure_classes == ("XC4", "XF1", "EE3")


def test_an_unknown_strength_class_is_shown_at_its_field(client: FlaskClient) -> None:
    log_in(client, ADMIN)
    fields = {**_fields(f"T-{uuid4().hex[:6].upper()}"), "strength_class": "C99/99"}
    status, html = _post(client, "/settings/products", fields)
    assert status == 422
    assert 'id="error-strength_class"' in html


def test_a_planner_reads_the_products_without_forms(client: FlaskClient) -> None:
    log_in(client, SUPPLIER_PLANNER)
    html = client.get("/settings/products").get_data(as_text=True)
    assert 'action="/settings/products"' not in html
    assert "C25/30" in html
