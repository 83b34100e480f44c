"""The notifications of order events: in-app feed per user and the e-mail outbox."""
