"""Implementations of the core's ports: storage, notifiers, the outbox dispatcher."""
