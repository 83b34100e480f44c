"""The Betotrace domain: aggregates, their events and the values they carry."""
