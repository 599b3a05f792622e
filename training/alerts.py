"""The "Training places" email alert: a weekly list of sessions that still have places."""

import datetime

from django.template.loader import render_to_string

from lscb_portal.core.links import absolute_url
from lscb_portal.core.subscriptions import DigestPart, MailingList

LIST_KEY = "training.alerts"
DIGEST_WEEKS_AHEAD = 6


def digest_part(subscription, since: datetime.datetime, until: datetime.datetime) -> DigestPart | None:
    """Sessions open for booking with places left, starting in the next few weeks; None if there are none."""
    from .selectors import sessions_with_places

    sessions = sessions_with_places(within=datetime.timedelta(weeks=DIGEST_WEEKS_AHEAD), limit=15, now=until)
    if not sessions:
        return None
    context = {
        "sessions": [(session, absolute_url(session)) for session in sessions],
        "weeks": DIGEST_WEEKS_AHEAD,
        "programme_url": absolute_url("/training/"),
    }
    return DigestPart(
        title="Training places",
        text=render_to_string("training/emails/digest_part.txt", context),
        html=render_to_string("training/emails/digest_part.html", context),
    )


def training_alerts() -> MailingList:
    return MailingList(
        key=LIST_KEY,
        title="Training places",
        description="Multi-agency training sessions that still have places, in the weekly digest.",
        digest=digest_part,
    )
