"""The order list of customers and suppliers."""
