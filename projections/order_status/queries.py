"""Reading one order's status view, as one of its two parties sees it."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from betotrace_es.domain.order_values import OrderStatus, Proposal, action_needed_by, status_label
from betotrace_es.domain.values import Party
from projections.framework.store import ViewStore


@dataclass(frozen=True)
class OrderStatusView:
    """The order's detail and the other party's contact block."""

    order: dict[str, Any]
    viewer: Party
    contact: dict[str, Any]

    @property
    def version(self) -> int:
        """The order's version."""
        return int(self.order["version"])

    @property
    def action_needed_by(self) -> Party | None:
        """Who must act next."""
        return action_needed_by(OrderStatus(self.order["status"]), self._pending())

    def status_label(self, language: str = "en") -> str:
        """The status as the UI shows it."""
        return status_label(OrderStatus(self.order["status"]), self._pending(), language)

    def _pending(self) -> Proposal | None:
        pending = self.order["pending_proposal"]
        if pending is None:
            return None
        return Proposal(
            datetime.fromisoformat(pending["delivery_at"]),
            Party(pending["proposed_by"]),
            pending["message"],
        )


class OrderStatusQueries:
    """The order page's data."""

    def __init__(self, store: ViewStore) -> None:
        self.store = store

    def status(self, order_id: UUID, company_id: UUID) -> OrderStatusView | None:
        """The order as ``company_id`` sees it; None when it is not one of its orders."""
        rows = self.store.fetch(
            "SELECT o.*, u.name AS user_name, u.email AS user_email, u.phone_numbers AS user_phones, "
            "b.public_name, b.address AS branch_address, c.name AS contact_name, "
            "c.job_title AS contact_job_title, c.email AS contact_email, c.phone_numbers AS contact_phones "
            "FROM {q}order_status_orders o "
            "LEFT JOIN {q}order_status_users u ON u.user_id = o.requested_by "
            "LEFT JOIN {q}order_status_branches b ON b.branch_id = o.branch_id "
            "LEFT JOIN {q}order_status_contacts c ON c.contact_id = b.default_contact_id "
            "WHERE o.order_id = ? AND (o.customer_id = ? OR o.supplier_id = ?)",
            [str(order_id), str(company_id), str(company_id)],
        )
        if not rows:
            return None
        row = rows[0]
        order = json.loads(row["document"])
        viewer = Party.CUSTOMER if row["customer_id"] == str(company_id) else Party.SUPPLIER
        return OrderStatusView(order, viewer, _contact_block(row, order, viewer))


def _contact_block(row: dict[str, Any], order: dict[str, Any], viewer: Party) -> dict[str, Any]:
    """For the supplier: who ordered and the site contact; for the customer: the plant."""
    if viewer is Party.SUPPLIER:
        return {
            "requested_by": {
                "name": row["user_name"],
                "email": row["user_email"],
                "phone_numbers": json.loads(row["user_phones"] or "[]"),
            },
            "site_contact": {
                "name": order["site"]["contact_name"],
                "phone": order["site"]["contact_phone"],
            },
        }
    contact = None
    if row["contact_name"] is not None:
        contact = {
            "name": row["contact_name"],
            "job_title": row["contact_job_title"],
            "email": row["contact_email"],
            "phone_numbers": json.loads(row["contact_phones"] or "[]"),
        }
    return {
        "branch": {
            "name": row["public_name"],
            "address": json.loads(row["branch_address"] or "null"),
        },
        "contact_person": contact,
    }
