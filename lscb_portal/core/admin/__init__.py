"""The base's back office: board settings, organisations, subscribers, the email outbox and the system tables."""

from . import accounts, board, outbox, subscriptions, system  # noqa: F401  (registers the model admins)
