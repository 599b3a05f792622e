"""The home page: what a practitioner came for, in one look and a fixed number of queries."""

from datetime import timedelta
from functools import partial

from django.utils import timezone

from lscb_portal.core import pagecache
from newsletters import selectors as newsletter_selectors
from procedures import selectors as procedure_selectors
from training import selectors as training_selectors

SESSIONS_AHEAD = timedelta(weeks=8)
SESSIONS_SHOWN = 5
AMENDMENTS_SHOWN = 5


def home_context(request, *, now=None) -> dict:
    """The latest issue, sessions with places in the next eight weeks and the latest procedure amendments.

    Five queries whatever the number of issues, sessions, bookings or chapters (plus the
    layout's own). Each block is kept as a fragment (``pagecache.fragment``) while the areas it
    shows stand: a booking sets the page aside for its sessions, and only those are read again;
    a new issue or amendment, only its block. The sessions are kept at most the fragments' time
    (a minute), so one whose booking has just closed may show that long, as on a kept page.
    """
    now = now or timezone.now()
    latest = partial(newsletter_selectors.latest_issues, limit=1)
    issues = pagecache.fragment(request, ("pages.home.issue",), shows=["newsletters"], build=latest)
    with_places = partial(
        training_selectors.sessions_with_places, within=SESSIONS_AHEAD, limit=SESSIONS_SHOWN + 1, now=now
    )
    sessions = pagecache.fragment(request, ("pages.home.sessions",), shows=["training", "places"], build=with_places)
    block = pagecache.fragment(
        request, ("pages.home.procedures",), shows=["procedures"], build=procedure_selectors.home_block
    )
    return {
        "latest_issue": issues[0] if issues else None,
        "training_sessions": sessions[:SESSIONS_SHOWN],
        "more_sessions": len(sessions) > SESSIONS_SHOWN,
        "procedures": block,
        "latest_amendments": block.amendments[:AMENDMENTS_SHOWN],
        "more_amendments": max(len(block.amendments) - AMENDMENTS_SHOWN, 0),
    }
