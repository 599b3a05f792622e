"""Writes that enforce the newsletter's rules. Views, admin actions and jobs call these; nothing else does.

Every service is keyword-only and atomic, and validates before it saves.
"""

from dataclasses import dataclass
from datetime import date, datetime
from uuid import uuid4

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.html import escape
from django.utils.text import slugify

from lscb_portal.core import subscriptions
from lscb_portal.core.errors import Refused
from lscb_portal.core.links import free_slug
from lscb_portal.core.outbox import queue_email

from . import blocks, emails, issue_pdf
from .importer import ImportedArticle
from .models import (
    RESERVED_ARTICLE_SLUGS,
    Article,
    Contribution,
    ContributionStatus,
    Feedback,
    Issue,
    IssueBlock,
    IssueDateShown,
    IssueStatus,
    Series,
)


def _locked(issue: Issue) -> Issue:
    """The issue's row, locked until the caller's transaction ends, with fresh values."""
    return Issue.objects.select_for_update().select_related("series").get(pk=issue.pk)


def _refresh(issue: Issue, locked: Issue) -> Issue:
    for field in ("status", "published_at", "subscribers_notified_at", "mail_subscribers"):
        setattr(issue, field, getattr(locked, field))
    return issue


@dataclass(frozen=True)
class Publication:
    """What publishing did: the issue, how many subscribers it emailed just now, and whether it is scheduled."""

    issue: Issue
    emailed: int
    scheduled: bool


@transaction.atomic
def issue_publish(*, issue: Issue, at: datetime | None = None, email_subscribers: bool = True) -> Publication:
    """Publish an issue now, or at ``at`` (a future time schedules it).

    Readers see it from its publication time through ``Issue.objects.published()``
    alone; its PDF is made by a job once this commits. Subscribers are emailed once
    that time has passed: at once when it already has, otherwise by the periodic job. Publishing again after an
    unpublish keeps the original publication time unless a new one is given,
    and never emails anyone twice. With ``email_subscribers=False`` (a past issue
    brought online, or a correction) nobody is emailed, now or later.
    """
    locked = _locked(issue)
    if not locked.articles.exists():
        raise Refused("Add at least one article before publishing the issue.")
    now = timezone.now()
    if at is None:
        at = locked.published_at if locked.published_at and locked.published_at <= now else now
    locked.status = IssueStatus.PUBLISHED
    locked.published_at = at
    locked.mail_subscribers = email_subscribers
    locked.save(update_fields=["status", "published_at", "mail_subscribers"])
    issue_pdf.request_issue_pdf(locked)
    emailed = _notify_locked(locked) if at <= now else 0
    return Publication(issue=_refresh(issue, locked), emailed=emailed, scheduled=at > now)


@transaction.atomic
def issue_schedule(*, issue: Issue, at: datetime, email_subscribers: bool = True) -> Publication:
    """Publish an issue at a future time; it appears then with nothing needing to run."""
    if at <= timezone.now():
        raise Refused("The publication time must be in the future. To publish now, use “Publish now”.")
    return issue_publish(issue=issue, at=at, email_subscribers=email_subscribers)


@transaction.atomic
def issue_archive(*, issue: Issue) -> Publication:
    """Bring a past issue online under its own date, emailing nobody (the back catalogue)."""
    return issue_publish(issue=issue, email_subscribers=False)


TEST_NOTE = (
    "This is a test of the email subscribers will get. The links work once the issue is published; "
    "until then, preview the issue from the back office.\n\n"
)


@transaction.atomic
def issue_send_test(*, issue: Issue, to: list[str]) -> int:
    """Email the issue's announcement to the given addresses only, marked as a test; nothing is published."""
    if not to:
        raise Refused("Enter the email address to send the test to.")
    content = emails.issue_email(issue)
    stamp = uuid4().hex
    for address in to:
        queue_email(
            to=address,
            subject=f"Test: {content.subject}",
            text=TEST_NOTE + content.text,
            html=f"<p><strong>{escape(TEST_NOTE.strip())}</strong></p>{content.html}",
            category="newsletters.test",
            dedupe_key=f"newsletters.issue-test:{issue.pk}:{stamp}:{address}",
        )
    return len(to)


@transaction.atomic
def issue_unpublish(*, issue: Issue) -> Issue:
    """Take an issue (or a scheduled one) off the site. Its web address is kept for when it returns."""
    locked = _locked(issue)
    locked.status = IssueStatus.DRAFT
    locked.save(update_fields=["status"])
    return _refresh(issue, locked)


@transaction.atomic
def issue_import(
    *,
    series: Series,
    number: int,
    title: str,
    issue_date: date,
    date_shown: str = IssueDateShown.MONTH,
    foreword: str = "",
    articles: list[ImportedArticle],
    archive: bool = False,
) -> Issue:
    """Create a draft issue from an imported newsletter: its foreword and its articles, in order.

    With ``archive`` the issue is published at once under its own date, emailing nobody (a past issue
    brought online). The series row is locked so two imports cannot take the same number.
    """
    Series.objects.select_for_update().get(pk=series.pk)
    if not articles:
        raise Refused("The document has no articles: tick at least one heading that starts an article.")
    if Issue.objects.filter(series=series, number=number).exists():
        raise Refused(f"{series.title} already has an Issue {number}. Choose another number.")
    issue = Issue(
        series=series,
        number=number,
        title=" ".join(title.split())[:120] or f"Issue {number}",
        issue_date=issue_date,
        issue_date_shown=date_shown,
        foreword=foreword,
    )
    try:
        issue.full_clean()
    except ValidationError as error:
        raise Refused(error.messages) from error
    issue.save()
    taken: set[str] = set()
    for position, article in enumerate(articles, start=1):
        slug = _free_slug(article.title, taken)
        taken.add(slug)
        Article.objects.create(
            issue=issue, position=position, title=" ".join(article.title.split())[:200], slug=slug, body=article.body
        )
    if archive:
        issue_archive(issue=issue)
    return issue


def _free_slug(title: str, taken: set[str]) -> str:
    base = slugify(title)[:70] or "article"
    if base in RESERVED_ARTICLE_SLUGS:
        base = f"{base}-article"
    return free_slug(base, taken)


@transaction.atomic
def issue_notify_subscribers(*, issue: Issue) -> int:
    """Email the series' subscribers about a published issue, exactly once per issue.

    The row lock makes concurrent calls (two editors publishing at the same
    moment, the job running meanwhile) wait for each other; the first one sets
    ``subscribers_notified_at`` and the others then send nothing. The outbox's
    dedupe key (event and subscriber) is the second guard.
    """
    locked = _locked(issue)
    sent = _notify_locked(locked)
    _refresh(issue, locked)
    return sent


def _notify_locked(issue: Issue) -> int:
    if issue.subscribers_notified_at is not None or not issue.mail_subscribers or not issue.is_public:
        return 0
    _freeze_blocks(issue)
    content = emails.issue_email(issue)
    sent = subscriptions.notify(
        list_key=issue.series.list_key,
        event_key=f"newsletters.issue:{issue.pk}",
        build=lambda subscription: content,
    )
    issue.subscribers_notified_at = timezone.now()
    issue.save(update_fields=["subscribers_notified_at"])
    return sent


def _freeze_blocks(issue: Issue) -> None:
    """Keep each block's content as it is now: the email shows these figures, whatever happens later.

    Called under the issue's lock, just before the subscribers' email is built; a block frozen once
    keeps its first copy.
    """
    now = timezone.now()
    waiting = list(
        IssueBlock.objects.filter(issue=issue, snapshot__isnull=True)
        .select_related("update_round")
        .prefetch_related("courses")
    )
    for item in blocks.fill(issue, waiting, now=now):
        item.block.snapshot = blocks.snapshot(item, now=now)
        item.block.snapshot_taken_at = now
        item.block.save(update_fields=["snapshot", "snapshot_taken_at"])


def notify_due_issues() -> int:
    """Email subscribers about every issue whose publication time has passed; how many issues."""
    count = 0
    for issue in Issue.objects.awaiting_mail().order_by("published_at"):
        issue_notify_subscribers(issue=issue)
        count += 1
    return count


@transaction.atomic
def contribution_submit(
    *, name: str, role: str, agency: str, email: str, title: str, text: str, consent_text: str
) -> Contribution:
    """Keep an article offered through the public form for the board manager, and acknowledge it."""
    contribution = Contribution(
        name=name, role=role, agency=agency, email=email, title=title, text=text, consent_text=consent_text
    )
    contribution.full_clean()
    contribution.save()
    content = emails.contribution_received(contribution)
    queue_email(
        to=contribution.email,
        subject=content.subject,
        text=content.text,
        category="newsletters.contribution",
        dedupe_key=f"newsletters.contribution:{contribution.pk}:received",
    )
    return contribution


def _locked_contribution(contribution: Contribution) -> Contribution:
    locked = Contribution.objects.select_for_update().get(pk=contribution.pk)
    if locked.status != ContributionStatus.NEW:
        raise Refused(f"This contribution has already been {locked.get_status_display().lower()}.")
    return locked


def _unique_slug(issue: Issue, title: str) -> str:
    return _free_slug(title, set(issue.articles.values_list("slug", flat=True)))


@transaction.atomic
def contribution_accept(*, contribution: Contribution, issue: Issue, by=None, note: str = "") -> Article:
    """Turn a contribution into a draft article at the end of an unpublished issue; tell the contributor."""
    locked = _locked_contribution(contribution)
    if issue.status != IssueStatus.DRAFT:
        raise Refused("Choose an issue that is still a draft: published issues cannot take new articles.")
    last = issue.articles.order_by("-position").values_list("position", flat=True).first()
    paragraphs = [part.strip() for part in locked.text.replace("\r\n", "\n").split("\n\n") if part.strip()]
    article = Article.objects.create(
        issue=issue,
        position=(last or 0) + 1,
        title=locked.title,
        slug=_unique_slug(issue, locked.title),
        body="".join(f"<p>{_escape(paragraph)}</p>" for paragraph in paragraphs),
        author_name=locked.name,
        author_role=locked.role,
        author_agency=locked.agency,
    )
    locked.status = ContributionStatus.ACCEPTED
    locked.decided_at = timezone.now()
    locked.decided_by = by
    locked.decision_note = note
    locked.article = article
    locked.save()
    _send_outcome(locked, issue=issue)
    _copy(contribution, locked)
    return article


@transaction.atomic
def contribution_decline(*, contribution: Contribution, by=None, note: str = "") -> Contribution:
    """Decline a contribution and tell the contributor, with the editor's note if there is one."""
    locked = _locked_contribution(contribution)
    locked.status = ContributionStatus.DECLINED
    locked.decided_at = timezone.now()
    locked.decided_by = by
    locked.decision_note = note
    locked.save()
    _send_outcome(locked)
    _copy(contribution, locked)
    return contribution


def _send_outcome(contribution: Contribution, *, issue: Issue | None = None) -> None:
    content = emails.contribution_outcome(contribution, issue=issue)
    queue_email(
        to=contribution.email,
        subject=content.subject,
        text=content.text,
        category="newsletters.contribution",
        dedupe_key=f"newsletters.contribution:{contribution.pk}:{contribution.status}",
    )


def _copy(target: Contribution, source: Contribution) -> None:
    for field in ("status", "decided_at", "decided_by_id", "decision_note", "article_id"):
        setattr(target, field, getattr(source, field))


def _escape(text: str) -> str:
    return escape(text).replace("\n", "<br>")


@transaction.atomic
def feedback_record(*, issue: Issue, useful: bool, comment: str = "") -> Feedback:
    """Count a reader's answer to "Was this issue useful?" for a published issue."""
    if not Issue.objects.published().filter(pk=issue.pk).exists():
        raise Refused("Feedback can only be given on a published issue.")
    return Feedback.objects.create(issue=issue, useful=useful, comment=comment.strip()[:2000])
