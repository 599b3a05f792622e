"""Newsletters on the board managers' desk: contributions to review, feedback since the last issue, and the
issues being prepared. Registered with the base's desk (``core.desk``) from ``NewslettersConfig.ready()``.
"""

from urllib.parse import urlencode

from django.db.models import Count, F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator

from lscb_portal.core import desk

from .models import Contribution, ContributionStatus, Feedback, Issue, IssueStatus

AREA = "newsletters"


def _day(moment) -> str:
    return f"{timezone.localtime(moment):%-d %b %Y}"


def contributions_to_review(request) -> desk.PanelContent:
    new = Contribution.objects.filter(status=ContributionStatus.NEW).order_by("-submitted_at")
    return desk.waiting(
        new.only("title", "name", "agency", "submitted_at"),
        item=lambda contribution: desk.DeskItem(
            text=contribution.title,
            url=reverse("admin:newsletters_contribution_change", args=[contribution.pk]),
            detail=f"{contribution.name}, {contribution.agency}, sent {_day(contribution.submitted_at)}",
        ),
        link=lambda count: desk.DeskItem(
            text=f"Review {desk.the_or_all(count, 'new contribution', 'new contributions')}",
            url=reverse("admin:newsletters_contribution_changelist") + "?status__exact=new",
        ),
        empty="No contribution is waiting.",
    )


def feedback_since_last_issue(request) -> desk.PanelContent:
    last = Issue.objects.published().select_related("series").in_reading_order().first()
    feedback = Feedback.objects.all()
    if last is not None:
        feedback = feedback.filter(created_at__gte=last.published_at)
    totals = feedback.aggregate(yes=Count("pk", filter=Q(useful=True)), no=Count("pk", filter=Q(useful=False)))
    count = totals["yes"] + totals["no"]
    since = f"since {last.label} was published on {_day(last.published_at)}" if last else "so far"
    if not count:
        return desk.PanelContent(count=0, empty=f"No feedback {since}.")
    comments = feedback.exclude(comment="").select_related("issue").order_by("-created_at")[: desk.SHOWN]
    changelist = reverse("admin:newsletters_feedback_changelist")
    return desk.PanelContent(
        count=count,
        summary=f"{totals['yes']} found an issue useful and {totals['no']} did not, {since}.",
        items=[
            desk.DeskItem(
                text=Truncator(item.comment).words(25),
                url=reverse("admin:newsletters_feedback_change", args=[item.pk]),
                detail=f"{'Useful' if item.useful else 'Not useful'}, about {item.issue.label}",
            )
            for item in comments
        ],
        link=desk.DeskItem(
            text="Read all the feedback",
            url=changelist + (f"?{urlencode({'created_at__gte': last.published_at.isoformat()})}" if last else ""),
        ),
    )


def _issue_state(issue) -> str:
    if issue.status == IssueStatus.PUBLISHED:
        return f"Scheduled for {timezone.localtime(issue.published_at):%-d %b %Y %H:%M}"
    return "Draft"


def issues_in_preparation(request) -> desk.PanelContent:
    preparing = Issue.objects.filter(status=IssueStatus.DRAFT) | Issue.objects.scheduled()
    return desk.waiting(
        preparing.select_related("series")
        .annotate(article_count=Count("articles"))
        .order_by(F("published_at").asc(nulls_last=True), "-created_at"),
        item=lambda issue: desk.DeskItem(
            text=issue.label,
            url=reverse("admin:newsletters_issue_change", args=[issue.pk]),
            detail=f"{issue.series.title}, {issue.article_count} article{'s' if issue.article_count != 1 else ''}",
            tag=_issue_state(issue),
        ),
        link=lambda count: desk.DeskItem(text="All issues", url=reverse("admin:newsletters_issue_changelist")),
        empty="No issue is being prepared.",
    )


def register() -> None:
    for key, title, permission, build in [
        ("issues", "Draft and scheduled issues", "newsletters.change_issue", issues_in_preparation),
        ("contributions", "Contributions to review", "newsletters.change_contribution", contributions_to_review),
        ("feedback", "Feedback since the last issue", "newsletters.view_feedback", feedback_since_last_issue),
    ]:
        desk.register_panel(desk.Panel(area=AREA, key=key, title=title, permission=permission, build=build))
    desk.register_tasks(
        desk.Task(AREA, "Start a new issue", "admin:newsletters_issue_add", "newsletters.add_issue"),
        desk.Task(AREA, "Import newsletter files", "admin:newsletters_issue_import", "newsletters.add_issue",
                  "Past issues from Word, PDF, Markdown, HTML or text files"),
        desk.Task(AREA, "Issues", "admin:newsletters_issue_changelist", "newsletters.view_issue",
                  "Publish, schedule or unpublish"),
        desk.Task(AREA, "Articles", "admin:newsletters_article_changelist", "newsletters.view_article",
                  "Attachments and further resources"),
        desk.Task(AREA, "Contributions", "admin:newsletters_contribution_changelist",
                  "newsletters.view_contribution", "Accept into an issue or decline"),
        desk.Task(AREA, "Readers' feedback", "admin:newsletters_feedback_changelist", "newsletters.view_feedback"),
        desk.Task(AREA, "Series", "admin:newsletters_series_changelist", "newsletters.view_series"),
    )  # fmt: skip
