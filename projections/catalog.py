"""Every read model of Betotrace."""

from __future__ import annotations

from projections.framework.projection import Projection
from projections.order_list.projection import OrderListProjection
from projections.order_status.projection import OrderStatusProjection


def all_projections() -> list[Projection]:
    """One instance of each projection, in a stable order."""
    return [OrderListProjection(), OrderStatusProjection()]
