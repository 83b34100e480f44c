"""One blueprint per resource."""

from __future__ import annotations

from api.openapi import ApiBlueprint


def blueprints() -> list[ApiBlueprint]:
    """Every resource's blueprint, in the order the docs show them."""
    from api.routes import (
        auth,
        branches,
        contacts,
        directory,
        drivers,
        me,
        notifications,
        orders,
        products,
        users,
    )

    return [
        auth.blp,
        me.blp,
        users.blp,
        orders.blp,
        notifications.blp,
        directory.blp,
        branches.blp,
        products.blp,
        contacts.blp,
        drivers.blp,
    ]
