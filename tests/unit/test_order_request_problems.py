"""The domain's objections to an order request, every field at once, also for a partial body."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from api.schemas.order_request import order_request_arguments, order_request_problems
from betotrace_es.domain.exceptions import ValidationError


def _body() -> dict[str, object]:
    return {
        "branch_id": "6f1c0c43-8a6e-4a53-9a8c-2a4f1f0e9e01",
        "product_code": "C25",
        "quantity_m3": Decimal("7.5"),
        "delivery_at": datetime.now(UTC) + timedelta(days=3),
        "pour_rate_m3_per_h": None,
        "pour_method": "pump",
        "element": "",
        "power_lines_nearby": False,
        "site": {
            "name": "Werf",
            "address": {
                "street": "Kerkstraat",
                "number": "1",
                "postal_code": "9000",
                "city": "Gent",
            },
            "location": None,
            "access_notes": "",
            "contact_name": "Jan",
            "contact_phone": "0470 12 34 56",
        },
        "customer_reference": "",
        "remarks": "",
    }


def test_a_valid_request_has_no_problems() -> None:
    assert order_request_problems(_body()) == {}


def test_problems_of_the_placement_the_address_the_site_and_the_fields_come_together() -> None:
    body = _body()
    body.update({"pour_method": "bucket", "quantity_m3": Decimal("-1")})
    body["delivery_at"] = datetime.now(UTC) - timedelta(days=1)
    site = body["site"]
    assert isinstance(site, dict)
    site["address"]["postal_code"] = "12"
    site["location"] = {"lat": 95.0, "lon": 4.4}
    site["contact_phone"] = "12"

    problems = order_request_problems(body)

    assert set(problems) == {
        "pour_method",
        "quantity_m3",
        "delivery_at",
        "site.address.postal_code",
        "site.location.lat",
        "site.contact_phone",
    }
    with pytest.raises(ValidationError) as refused:
        order_request_arguments(body)
    assert set(refused.value.errors) == set(problems) - {"quantity_m3", "delivery_at"}


@pytest.mark.parametrize(
    "partial",
    [{}, {"site": {}}, {"site": {"address": {"city": "Gent"}, "location": {"lon": 4.0}}}],
)
def test_a_partial_body_is_judged_without_failing(partial: dict[str, object]) -> None:
    problems = order_request_problems(partial)

    assert "site.name" in problems
    assert "quantity_m3" not in problems  # not given: the schema says it is missing
