"""The machinery every read model shares: tables, batches, tracking, runner and rebuilds."""
