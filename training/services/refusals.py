"""The training services' refusals: a rule said no, and the message says why."""


class BookingRefused(Exception):
    """A rule said no. ``field`` names the form field the message belongs to, if any."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class ActionRefused(BookingRefused):
    """A back-office action that the rules do not allow (the message says why)."""


class AlreadyBooked(BookingRefused):
    """The address already has a live booking for the session: ``booking`` is it (never shown to the asker)."""

    def __init__(self, message: str, *, booking, field: str | None = None):
        super().__init__(message, field=field)
        self.booking = booking
