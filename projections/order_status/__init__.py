"""The order page: one order and the people around it."""
