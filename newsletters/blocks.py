"""What an issue's blocks show: live from training and procedures on the web, frozen for the email.

Training and procedures are read only through their ``selectors`` modules. Whatever the number of
blocks, sessions and amendments, filling an issue's blocks costs a fixed number of queries: one for
the sessions of every training block, one for the previous issue's date, one for the amendments.
"""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.utils import timezone

from lscb_portal.core.links import absolute_url
from lscb_portal.core.templatetags.portal import ukdate, ukdatetime, uktime
from procedures import selectors as procedures_selectors
from training import selectors as training_selectors

from .models import Article, Issue, IssueBlock


@dataclass
class FilledBlock:
    """A block with what it shows now: ``sessions`` (training) or ``groups`` of amendments (procedures)."""

    block: IssueBlock
    sessions: list = field(default_factory=list)
    groups: list = field(default_factory=list)
    since: datetime | None = None  # procedures: the window, when no round was chosen
    until: datetime | None = None

    @property
    def is_empty(self) -> bool:
        return not self.sessions and not self.groups


def session_filter(block: IssueBlock) -> training_selectors.SessionFilter:
    """The sessions a training block lists. Needs the block's courses prefetched."""
    return training_selectors.SessionFilter(
        course_ids=frozenset(course.pk for course in block.courses.all()),
        starts_on_or_after=block.sessions_from,
        starts_on_or_before=block.sessions_until,
    )


def window_end(issue: Issue, now: datetime) -> datetime:
    """Amendments count up to the issue's publication; an issue not yet published counts up to now."""
    return issue.published_at if issue.published_at is not None and issue.published_at <= now else now


def previous_issue_published_at(issue: Issue) -> datetime | None:
    """When the series' previous published issue (by number) came out; None for its first issue."""
    return (
        Issue.objects.published()
        .filter(series_id=issue.series_id, number__lt=issue.number)
        .order_by("-number")
        .values_list("published_at", flat=True)
        .first()
    )


def fill(issue: Issue, blocks: list[IssueBlock], *, now: datetime | None = None) -> list[FilledBlock]:
    """Each of ``blocks`` (of ``issue``, courses prefetched) with its content as it stands at ``now``."""
    now = now or timezone.now()
    filled = [FilledBlock(block=block) for block in blocks]
    training = [item for item in filled if item.block.is_training]
    procedures = [item for item in filled if item.block.is_procedures]

    if training:
        filters = {item.block.pk: session_filter(item.block) for item in training}
        sessions = training_selectors.upcoming_sessions_matching(list(filters.values()), now=now)
        for item in training:
            wanted = filters[item.block.pk]
            item.sessions = [] if wanted.is_empty() else [session for session in sessions if wanted.matches(session)]

    if procedures:
        end = window_end(issue, now)
        by_window = [item for item in procedures if item.block.update_round_id is None]
        start = previous_issue_published_at(issue) if by_window else None
        amendments = procedures_selectors.amendments_published_in(
            windows=[(start, end)] if by_window else [],
            round_ids=[item.block.update_round_id for item in procedures if item.block.update_round_id],
        )
        for item in procedures:
            if item.block.update_round_id is not None:
                chosen = [a for a in amendments if a.update_round_id == item.block.update_round_id]
            else:
                item.since, item.until = start, end
                chosen = [
                    a
                    for a in amendments
                    if a.update_round.published_at < end and (start is None or a.update_round.published_at >= start)
                ]
            item.groups = procedures_selectors.group_amendments(chosen)
    return filled


def page_entries(articles: list[Article], filled: list[FilledBlock]) -> list[tuple[str, Any]]:
    """Articles and blocks in reading order: a block follows the articles numbered at or below its position."""
    entries = [((article.position, 0, index), "article", article) for index, article in enumerate(articles)]
    entries += [((item.block.position, 1, index), "block", item) for index, item in enumerate(filled)]
    return [(kind, value) for _, kind, value in sorted(entries, key=lambda entry: entry[0])]


# ------------------------------------------------------------------ the frozen copy for email


def snapshot(item: FilledBlock, *, now: datetime) -> dict:
    """A block's content as plain JSON data, worded as the email prints it."""
    data: dict[str, Any] = {"kind": item.block.kind, "as_at": ukdatetime(now)}
    if item.block.is_training:
        data["sessions"] = [
            {
                "course": session.course.title,
                "url": absolute_url(session),
                "date": ukdate(session.starts_at),
                "time": f"{uktime(session.starts_at)} to {uktime(session.ends_at)}",
                "venue": "Online" if session.is_online else session.venue_one_line,
                "capacity": session.capacity,
                "taken": session.places_taken,
                "left": session.places_remaining(),
                "cancelled": session.is_cancelled,
            }
            for session in item.sessions
        ]
    else:
        if item.block.update_round_id is not None:
            data["round"] = item.block.update_round.title
        data["groups"] = [
            {
                "heading": group.heading,
                "details_heading": group.details_heading,
                "rows": [
                    {
                        "chapter": amendment.chapter.title,
                        "url": absolute_url(amendment.chapter),
                        "details": amendment.details,
                        "previous_title": amendment.previous_title if amendment.kind == "renamed" else "",
                        "sections": amendment.sections_affected,
                        "major": amendment.major,
                    }
                    for amendment in group.amendments
                ],
            }
            for group in item.groups
        ]
    return data
