"""Marshmallow schemas: what requests may carry and what responses hold (→ OpenAPI)."""
