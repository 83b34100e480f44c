"""Every read model of Betotrace."""

from __future__ import annotations

from projections.branch_directory.projection import BranchDirectoryProjection
from projections.company_settings.projection import CompanySettingsProjection
from projections.framework.projection import Projection
from projections.notifications.projection import NotificationProjection
from projections.order_list.projection import OrderListProjection
from projections.order_status.projection import OrderStatusProjection


def all_projections() -> list[Projection]:
    """One instance of each projection, in a stable order."""
    return [
        OrderListProjection(),
        OrderStatusProjection(),
        BranchDirectoryProjection(),
        CompanySettingsProjection(),
        NotificationProjection(),
    ]
