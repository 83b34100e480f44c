"""The settings screens of a company: users, contact persons, drivers and products."""
