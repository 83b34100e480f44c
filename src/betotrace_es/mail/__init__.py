"""E-mail: texts in the recipient's language, rendering, transports and the outbox sender."""
