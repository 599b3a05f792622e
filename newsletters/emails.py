"""The newsletter's emails, each with a plain-text part (and HTML where it helps)."""

from django.template.loader import render_to_string

from lscb_portal.core.links import absolute_url
from lscb_portal.core.models import BoardSettings
from lscb_portal.core.subscriptions import EmailContent

from .models import Contribution, Issue


def issue_email(issue: Issue) -> EmailContent:
    """The announcement of a new issue: its foreword's signatory, the contents list and links."""
    articles = list(issue.articles.all())
    # Blocks print the figures frozen when the email was built (see services._freeze_blocks).
    frozen = [block for block in issue.blocks.order_by("position", "pk") if block.snapshot]
    context = {
        "board": BoardSettings.get_solo(),
        "issue": issue,
        "series": issue.series,
        "issue_url": absolute_url(issue),
        "articles": [
            {"article": article, "url": absolute_url(issue.get_absolute_url() + f"#{article.anchor}")}
            for article in articles
        ],
        "blocks": [
            {
                "block": block,
                "url": absolute_url(issue.get_absolute_url() + f"#{block.anchor}"),
                "data": block.snapshot,
            }
            for block in frozen
        ],
    }
    return EmailContent(
        subject=f"{issue.series.title}: {issue.label}",
        text=render_to_string("newsletters/email/issue.txt", context),
        html=render_to_string("newsletters/email/issue.html", context),
    )


def contribution_received(contribution: Contribution) -> EmailContent:
    context = {"board": BoardSettings.get_solo(), "contribution": contribution}
    return EmailContent(
        subject=f"We have received your article: {contribution.title}",
        text=render_to_string("newsletters/email/contribution_received.txt", context),
    )


def contribution_outcome(contribution: Contribution, *, issue: Issue | None = None) -> EmailContent:
    context = {"board": BoardSettings.get_solo(), "contribution": contribution, "issue": issue}
    verb = "accepted" if issue is not None else "not accepted"
    return EmailContent(
        subject=f"Your article “{contribution.title}” has been {verb}",
        text=render_to_string("newsletters/email/contribution_outcome.txt", context),
    )
