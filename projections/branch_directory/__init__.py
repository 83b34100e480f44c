"""The public branch directory: customers find plants by name, product and distance."""
