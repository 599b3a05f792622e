"""The "procedure updates" emails: one when a round is published, and a part of the weekly digest."""

from datetime import datetime

from django.template.loader import render_to_string

from lscb_portal.core.links import absolute_url

from .models import Amendment, UpdateRound
from .selectors import group_amendments


def _context(rounds: list[tuple[UpdateRound, list[Amendment]]], *, major_only: bool) -> dict:
    for _update_round, amendments in rounds:
        for amendment in amendments:
            amendment.link = absolute_url(amendment.chapter)
    return {
        "rounds": [
            {
                "round": update_round,
                "groups": group_amendments(amendments),
                "url": absolute_url(update_round.get_absolute_url()),
            }
            for update_round, amendments in rounds
        ],
        "major_only": major_only,
        "amendments_url": absolute_url("/procedures/amendments/"),
    }


def round_email(*, update_round: UpdateRound, amendments: list[Amendment], major_only: bool):
    """The email telling a subscriber that a round is live, listing its amendments (major ones only if asked)."""
    from lscb_portal.core.subscriptions import EmailContent

    context = _context([(update_round, amendments)], major_only=major_only)
    subject = f"Procedures updated: {update_round.title}"
    if major_only:
        subject = f"Major changes to the procedures: {update_round.title}"
    return EmailContent(
        subject=subject,
        text=render_to_string("procedures/emails/round_published.txt", context),
        html=render_to_string("procedures/emails/round_published.html", context),
    )


def digest_part(subscription, since: datetime, until: datetime):
    """This list's part of a weekly digest: the rounds published in [since, until)."""
    from lscb_portal.core.subscriptions import DigestPart

    rounds = list(
        UpdateRound.objects.published()
        .filter(published_at__gte=since, published_at__lt=until)
        .order_by("published_at")
        .prefetch_related("amendments__chapter")
    )
    listed = []
    for update_round in rounds:
        amendments = [
            amendment for amendment in update_round.amendments.all() if amendment.major or not subscription.major_only
        ]
        if amendments:
            listed.append((update_round, amendments))
    if not listed:
        return None
    context = _context(listed, major_only=subscription.major_only)
    return DigestPart(
        title="Procedure updates",
        text=render_to_string("procedures/emails/digest_part.txt", context),
        html=render_to_string("procedures/emails/digest_part.html", context),
    )
