"""The base's back office: board settings, organisations, subscribers and the email outbox."""

from . import accounts, board, outbox, subscriptions  # noqa: F401  (registers the model admins)
