"""The training emails. Every one goes through the outbox with a dedupe key,
so an action retried (or run twice at once) never mails anyone twice."""

from django.template.loader import render_to_string

from lscb_portal.core.links import absolute_url
from lscb_portal.core.models import BoardSettings
from lscb_portal.core.outbox import Attachment, queue_email

from . import calendars, conf, links, selectors
from .models import Booking, BookingStatus, Session

CATEGORY = "training"


def _send(*, template: str, to: str, subject: str, dedupe_key: str, context: dict, attachments=()) -> None:
    context = {"board": BoardSettings.get_solo(), "programme_url": absolute_url("/training/"), **context}
    text = render_to_string(f"training/emails/{template}.txt", context)
    queue_email(
        to=to,
        subject=subject,
        text=text,
        attachments=attachments,
        category=f"{CATEGORY}.{template}",
        dedupe_key=dedupe_key,
    )


def _booking_context(booking: Booking) -> dict:
    session = booking.session
    return {
        "booking": booking,
        "session": session,
        "course": session.course,
        "booking_url": links.booking_url(booking),
        "session_url": absolute_url(session),
    }


def _calendar_attachment(booking: Booking, *, cancel: bool = False) -> Attachment:
    """The session's calendar file; with ``cancel``, the one that removes its events from the calendar."""
    session = booking.session
    joining_url = session.joining_url if session.is_online else ""
    return Attachment(
        filename=calendars.filename_for(session, cancel=cancel),
        content=calendars.session_calendar(session, joining_url=joining_url, cancel=cancel).decode(),
        mimetype="text/calendar",
    )


def booking_confirmed(booking: Booking) -> None:
    """Sent once a place is the delegate's: with the calendar file and, online, the joining link."""
    _send(
        template="confirmed",
        to=booking.email,
        subject=f"Booking confirmed: {booking.session.course.title} ({booking.reference})",
        dedupe_key=f"training.confirmed:{booking.reference}",
        context=_booking_context(booking),
        attachments=[_calendar_attachment(booking)],
    )


def already_booked(booking: Booking, *, sent_at_key: str) -> None:
    """Someone tried to book again with this address: its holder gets the details, the page shows none."""
    _send(
        template="already_booked",
        to=booking.email,
        subject=f"Your booking: {booking.session.course.title} ({booking.reference})",
        dedupe_key=f"training.already_booked:{booking.reference}:{sent_at_key}",
        context=_booking_context(booking),
    )


def waiting_list_joined(booking: Booking) -> None:
    _send(
        template="waiting",
        to=booking.email,
        subject=f"You are on the waiting list: {booking.session.course.title} ({booking.reference})",
        dedupe_key=f"training.waiting:{booking.reference}",
        context={**_booking_context(booking), "waiting_position": selectors.waiting_position(booking)},
    )


def place_offered(booking: Booking) -> None:
    _send(
        template="offered",
        to=booking.email,
        subject=f"A place is available for you: {booking.session.course.title}",
        dedupe_key=f"training.offered:{booking.reference}",
        context={**_booking_context(booking), "offer_url": links.offer_url(booking)},
    )


def offer_expired(booking: Booking) -> None:
    _send(
        template="offer_expired",
        to=booking.email,
        subject=f"The place you were offered has gone to the next person: {booking.session.course.title}",
        dedupe_key=f"training.offer_expired:{booking.reference}",
        context=_booking_context(booking),
    )


def approval_requested(booking: Booking) -> None:
    """To the manager, with a signed approve or decline link; a copy of the news to the delegate."""
    context = {**_booking_context(booking), "approval_url": links.approval_url(booking)}
    _send(
        template="approval_request",
        to=booking.manager_email,
        subject=f"Please approve a training booking for {booking.attendee_name}",
        dedupe_key=f"training.approval_request:{booking.reference}",
        context=context,
    )
    _send(
        template="approval_pending",
        to=booking.email,
        subject=f"Waiting for your manager's approval: {booking.session.course.title} ({booking.reference})",
        dedupe_key=f"training.approval_pending:{booking.reference}",
        context=context,
    )


def approval_declined(booking: Booking, *, expired: bool = False) -> None:
    _send(
        template="approval_declined",
        to=booking.email,
        subject=f"Booking not approved: {booking.session.course.title} ({booking.reference})",
        dedupe_key=f"training.approval_declined:{booking.reference}",
        context={**_booking_context(booking), "expired": expired},
    )


def booking_cancelled(booking: Booking) -> None:
    _send(
        template="cancelled",
        to=booking.email,
        subject=f"Booking cancelled: {booking.session.course.title} ({booking.reference})",
        dedupe_key=f"training.cancelled:{booking.reference}",
        context=_booking_context(booking),
        attachments=[_calendar_attachment(booking, cancel=True)],
    )


def place_transferred(old: Booking, new: Booking) -> None:
    _send(
        template="transferred",
        to=old.email,
        subject=f"Your place has passed to {new.attendee_name}: {old.session.course.title}",
        dedupe_key=f"training.transferred:{old.reference}",
        context={**_booking_context(old), "colleague": new},
        attachments=[_calendar_attachment(old, cancel=True)],
    )
    if new.status == BookingStatus.PENDING_APPROVAL:
        approval_requested(new)
    else:
        booking_confirmed(new)


def nominated(booking: Booking, *, manager_role: str, waiting_position: int | None) -> None:
    """To a member of staff their manager nominated: their own booking, link and (with a place) calendar file."""
    confirmed = booking.status != BookingStatus.WAITING
    _send(
        template="nominated",
        to=booking.email,
        subject=(
            f"Your manager has booked you a place: {booking.session.course.title} ({booking.reference})"
            if confirmed
            else f"Your manager has put you on the waiting list: {booking.session.course.title} ({booking.reference})"
        ),
        dedupe_key=f"training.nominated:{booking.reference}",
        context={
            **_booking_context(booking),
            "manager_role": manager_role,
            "confirmed": confirmed,
            "waiting_position": waiting_position,
        },
        attachments=[_calendar_attachment(booking)] if confirmed else [],
    )


def nomination_made(*, session: Session, manager, results: list) -> None:
    """To the manager, once for a nomination: everyone they named and what happened to each
    (``services.nominations.NominationResult``)."""
    first = next(result.booking for result in results if result.booking)
    _send(
        template="nomination_made",
        to=manager.email,
        subject=f"Your nomination: {session.course.title}, {len(results)} "
        f"{'person' if len(results) == 1 else 'people'}",
        # One email for each nomination: its first booking's reference is its own.
        dedupe_key=f"training.nomination_made:{first.reference}",
        context={
            "session": session,
            "course": session.course,
            "session_url": absolute_url(session),
            "manager": manager,
            "organisation": first.organisation.name,
            "results": results,
            "confirmed": [result for result in results if result.outcome == "confirmed"],
            "waiting": [result for result in results if result.outcome == "waiting"],
            "refused": [result for result in results if result.outcome == "refused"],
        },
    )


def booking_moved(booking: Booking, old_session: Session) -> None:
    """The training team moved the booking to another date: the new date's calendar file, the old one's removed."""
    old_event = Attachment(
        filename=calendars.filename_for(old_session, cancel=True),
        content=calendars.session_calendar(old_session, cancel=True).decode(),
        mimetype="text/calendar",
    )
    _send(
        template="moved",
        to=booking.email,
        subject=f"Your booking has moved to a new date: {booking.session.course.title} ({booking.reference})",
        # One email for each move (a booking can be moved more than once).
        dedupe_key=f"training.moved:{booking.reference}:{booking.sequence}",
        context={**_booking_context(booking), "old_session": old_session},
        attachments=[old_event, *([_calendar_attachment(booking)] if booking.holds_place else [])],
    )


def reminder(booking: Booking) -> None:
    _send(
        template="reminder",
        to=booking.email,
        subject=f"Reminder: {booking.session.course.title} is coming up",
        dedupe_key=f"training.reminder:{booking.reference}",
        context={**_booking_context(booking), "days": conf.reminder_days()},
        attachments=[_calendar_attachment(booking)],
    )


def session_cancelled(booking: Booking, session: Session, *, waiting: bool = False) -> None:
    """``waiting``: the delegate was on the waiting list (no place, so no calendar event to remove)."""
    _send(
        template="session_cancelled",
        to=booking.email,
        subject=f"Session cancelled: {session.course.title}",
        dedupe_key=f"training.session_cancelled:{booking.reference}",
        context={**_booking_context(booking), "reason": session.cancelled_reason, "waiting": waiting},
        attachments=[] if waiting else [_calendar_attachment(booking, cancel=True)],
    )


def my_training_link(email: str, *, sent_at_key: str) -> None:
    _send(
        template="my_training",
        to=email,
        subject="Your training bookings",
        dedupe_key=f"training.my:{email}:{sent_at_key}",
        context={"url": links.my_training_url(email), "days": conf.my_training_link_age().days},
    )


def evaluation_request(booking: Booking) -> None:
    _send(
        template="evaluation_request",
        to=booking.email,
        subject=f"How has {booking.session.course.title} changed your practice? Evaluation and certificate",
        dedupe_key=f"training.evaluation:{booking.reference}",
        context={
            **_booking_context(booking),
            "evaluation_url": links.evaluation_url(booking),
            "days": conf.evaluation_link_age().days,
        },
    )


def certificate_ready(booking: Booking) -> None:
    _send(
        template="certificate_ready",
        to=booking.email,
        subject=f"Your certificate: {booking.session.course.title}",
        dedupe_key=f"training.certificate:{booking.reference}",
        context={**_booking_context(booking), "certificate_url": links.certificate_url(booking)},
    )


def attendees_message(booking: Booking, *, subject: str, message: str, key: str) -> None:
    """A message from the training team to everyone booked on a session."""
    _send(
        template="attendees_message",
        to=booking.email,
        subject=subject,
        dedupe_key=f"training.message:{key}:{booking.reference}",
        context={**_booking_context(booking), "message": message},
    )


def places_alert_to_contact(*, email: str, organisations: list[str], body: str, subject: str, event_key: str) -> bool:
    """The places alert for an agency's training contact (not a subscriber: the footer says why they get it and
    how to stop). Once per contact for each alert; True if it was queued now."""
    text = render_to_string(
        "training/emails/places_alert_contact.txt",
        {"body": body, "organisations": organisations, "board": BoardSettings.get_solo()},
    )
    queued = queue_email(
        to=email,
        subject=subject,
        text=text,
        category=f"{CATEGORY}.places_alert_contact",
        dedupe_key=f"{event_key}:contact:{email}",
    )
    return queued is not None


def render_places_alert(sessions: list[tuple[Session, str]]) -> str:
    """The body of a "places remaining" alert (the base adds the footer and unsubscribe links)."""
    return render_to_string(
        "training/emails/places_alert.txt",
        {"sessions": sessions, "programme_url": absolute_url("/training/"), "board": BoardSettings.get_solo()},
    )
