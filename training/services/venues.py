"""Venues and trainers, typed once and chosen for each session.

A session keeps its own copy of its venue's details and its trainers' names: that copy is what
its pages, emails, calendar files, registers and certificates show, and what its history records.
So a venue or trainer edited later changes the sessions still to come (``venue_sessions_refresh``,
``trainer_sessions_refresh``), never those already held.
"""

import datetime
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from ..models import Session, SessionStatus, Trainer, Venue

VENUE_FIELDS = ["venue_name", "venue_address", "venue_postcode", "access_notes"]


def venue_details(venue: Venue | None) -> dict[str, str]:
    """What a session shows of its venue (blank when it has none)."""
    if venue is None:
        return dict.fromkeys(VENUE_FIELDS, "")
    return {
        "venue_name": venue.name,
        "venue_address": "" if venue.is_online else venue.address,
        "venue_postcode": "" if venue.is_online else venue.postcode,
        "access_notes": venue.access_notes,
    }


def venue_copy_to(session: Session, venue: Venue | None, *, previous: Venue | None = None) -> None:
    """Choose ``venue`` for a session (not saved), in place of ``previous``: its details become the session's,
    and an online room's standing joining link becomes the session's unless the session has a link of its own."""
    if previous is not None and previous.joining_url and session.joining_url == previous.joining_url:
        session.joining_url = ""  # the last room's standing link, not one made for this session
    session.venue = venue
    for name, value in venue_details(venue).items():
        setattr(session, name, value)
    if venue is not None and venue.joining_url and not session.joining_url:
        session.joining_url = venue.joining_url


def trainer_names(trainers: Iterable[Trainer]) -> str:
    """The trainers' names as sessions show them: in alphabetical order, separated by commas."""
    return ", ".join(sorted((trainer.name for trainer in trainers), key=str.casefold))


def _upcoming(now: datetime.datetime | None):
    return Session.objects.filter(status=SessionStatus.SCHEDULED, starts_at__gt=now or timezone.now())


@transaction.atomic
def venue_sessions_refresh(*, venue: Venue, now: datetime.datetime | None = None) -> int:
    """Copy a venue's details to its sessions still to come (not those held or cancelled). Returns how many
    changed; each records the change in its history."""
    details = venue_details(venue)
    changed = 0
    for session in _upcoming(now).filter(venue=venue).select_for_update(of=("self",)).order_by("pk"):
        if all(getattr(session, name) == value for name, value in details.items()):
            continue
        for name, value in details.items():
            setattr(session, name, value)
        session._change_reason = "Venue details updated"
        session.save(update_fields=VENUE_FIELDS)
        changed += 1
    return changed


@transaction.atomic
def trainer_sessions_refresh(*, trainer: Trainer, now: datetime.datetime | None = None) -> int:
    """Write a trainer's name again on their sessions still to come. Returns how many changed."""
    changed = 0
    sessions = _upcoming(now).filter(trainer_records=trainer).select_for_update(of=("self",)).order_by("pk")
    for session in sessions:
        names = trainer_names(session.trainer_records.all())
        if names == session.trainers:
            continue
        session.trainers = names
        session._change_reason = "Trainer's name updated"
        session.save(update_fields=["trainers"])
        changed += 1
    return changed


def upcoming_sessions_count(*, venue: Venue | None = None, trainer: Trainer | None = None) -> int:
    """How many sessions still to come a venue or trainer is chosen for (the admin says so before a change)."""
    sessions = _upcoming(None)
    if venue is not None:
        sessions = sessions.filter(venue=venue)
    if trainer is not None:
        sessions = sessions.filter(trainer_records=trainer)
    return sessions.count()
