"""A customer's new order: branch search, the branch's products only, errors at their fields."""

from __future__ import annotations

import re

from flask.testing import FlaskClient

from tests.builders import in_days
from tests.web.conftest import CUSTOMER_PLANNER, SUPPLIER_PLANNER, Demo, csrf_token, log_in


def _valid_form(demo: Demo, token: str) -> dict[str, str]:
    branch = demo.services.read.directory.search("", limit=1)[0]
    return {
        "csrf_token": token,
        "branch_id": str(branch.branch_id),
        "product_code": branch.products[0]["code"],
        "quantity_m3": "7,5",
        "date": in_days(5).date().isoformat(),
        "time": "08:00",
        "pour_method": "pump",
        "element": "foundation",
        "power_lines_nearby": "no",
        "site.name": "Werf Kerkstraat",
        "site.address.street": "Kerkstraat",
        "site.address.number": "3",
        "site.address.postal_code": "9000",
        "site.address.city": "Gent",
        "site.contact_name": "Jan Janssens",
        "site.contact_phone": "0470 12 34 56",
    }


def test_a_supplier_cannot_open_the_new_order_form(client: FlaskClient) -> None:
    log_in(client, SUPPLIER_PLANNER)
    assert client.get("/orders/new").status_code == 403


def test_the_branch_search_finds_by_name_and_sorts_by_distance(
    demo: Demo, client: FlaskClient
) -> None:
    log_in(client, CUSTOMER_PLANNER)
    names = [e.public_name for e in demo.services.read.directory.search("", limit=10)]
    html = client.get("/orders/new", query_string={"q": names[0][:6]}).get_data(as_text=True)
    assert names[0] in html
    near = client.get("/orders/new", query_string={"lat": "51.2", "lon": "4.4"})
    assert " km" in near.get_data(as_text=True)


def test_the_product_picker_offers_only_the_branchs_products(
    demo: Demo, client: FlaskClient
) -> None:
    log_in(client, CUSTOMER_PLANNER)
    branch = demo.services.read.directory.search("", limit=1)[0]
    html = client.get("/orders/new", query_string={"branch": str(branch.branch_id)}).get_data(
        as_text=True
    )
    offered = set(re.findall(r'<option value="([^"]+)"', html)) - {
        "pump",
        "chute",
        "crane_bucket",
        "conveyor",
        "other",
    }
    assert offered == {p["code"] for p in branch.products}


def test_missing_fields_are_shown_at_each_field(demo: Demo, client: FlaskClient) -> None:
    log_in(client, CUSTOMER_PLANNER)
    form = _valid_form(demo, csrf_token(client.get("/orders/new").get_data(as_text=True)))
    for name in ("quantity_m3", "power_lines_nearby", "date"):
        del form[name]
    response = client.post("/orders/new", data=form)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    for name in ("quantity_m3", "power_lines_nearby", "delivery_at"):
        assert f'id="error-{name}"' in html, name
    assert "Verplicht." in html  # the demo's users read Dutch


def test_the_domain_rules_are_shown_at_their_fields(demo: Demo, client: FlaskClient) -> None:
    log_in(client, CUSTOMER_PLANNER)
    form = _valid_form(demo, csrf_token(client.get("/orders/new").get_data(as_text=True)))
    form.update({"quantity_m3": "-2", "date": "2020-01-01"})
    html = client.post("/orders/new", data=form).get_data(as_text=True)
    assert 'id="error-quantity_m3"' in html
    assert 'id="error-delivery_at"' in html
    assert "moet in de toekomst liggen" in html  # the domain's words, in the user's language


def test_the_site_rules_are_shown_at_the_site_fields(demo: Demo, client: FlaskClient) -> None:
    log_in(client, CUSTOMER_PLANNER)
    form = _valid_form(demo, csrf_token(client.get("/orders/new").get_data(as_text=True)))
    empty_name = client.post("/orders/new", data={**form, "site.name": ""})
    assert 'id="error-site-name"' in empty_name.get_data(as_text=True)
    bad_phone = client.post("/orders/new", data={**form, "site.contact_phone": "12"})
    assert 'id="error-site-contact_phone"' in bad_phone.get_data(as_text=True)


def test_a_valid_request_opens_the_new_order(demo: Demo, client: FlaskClient) -> None:
    log_in(client, CUSTOMER_PLANNER)
    form = _valid_form(demo, csrf_token(client.get("/orders/new").get_data(as_text=True)))
    response = client.post("/orders/new", data=form, follow_redirects=True)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Werf Kerkstraat" in html
    assert "Wachten op goedkeuring leverancier" in html


def test_one_send_shows_every_error_of_the_schema_and_the_domain_at_once(
    demo: Demo, client: FlaskClient
) -> None:
    log_in(client, CUSTOMER_PLANNER)
    form = _valid_form(demo, csrf_token(client.get("/orders/new").get_data(as_text=True)))
    form.update(
        {
            "quantity_m3": "veel",  # the schema: not a number
            "site.name": "",  # the schema: required
            "date": "2020-01-01",  # the domain: not in the future
            "pour_rate_m3_per_h": "-4",  # the domain: must be greater than 0
            "pour_method": "bucket",  # the schema: not one of the methods
            "site.address.postal_code": "12",  # the domain: a Belgian postal code
            "site.contact_phone": "12",  # the domain: a phone number
            "site.location.lat": "95",  # the domain: out of range
            "site.location.lon": "4.4",
        }
    )
    del form["power_lines_nearby"]  # the schema: required
    before = demo.services.app.recorder.max_notification_id()

    response = client.post("/orders/new", data=form)

    html = response.get_data(as_text=True)
    assert response.status_code == 422
    expected = {
        "quantity_m3": "Geef een getal.",
        "site-name": "Verplicht.",
        "power_lines_nearby": "Verplicht.",
        "delivery_at": "moet in de toekomst liggen",
        "pour_rate_m3_per_h": "moet groter zijn dan 0",
        "pour_method": "moet een van deze zijn: pump, chute, crane_bucket, conveyor, other",
        "site-address-postal_code": "moet een Belgische postcode van 4 cijfers zijn",
        "site-contact_phone": "is geen geldig telefoonnummer",
        "site-location-lat": "moet tussen -90 en 90 liggen",
    }
    for field, words in expected.items():
        found = re.search(rf'id="error-{field}">([^<]*)<', html)
        assert found is not None, f"no error at {field}"
        assert words in found.group(1), (field, found.group(1))
    assert demo.services.app.recorder.max_notification_id() == before, "nothing is recorded"
