"""What readers can find in the training programme: published courses, as a ``core.search.SearchSource``.

A course found by the site search lists its next sessions with the places left: the results on
the page get them from ``add_next_sessions`` in one query.
"""

from dataclasses import dataclass, field, fields, replace
from datetime import datetime, timedelta

from django.db.models import TextField, Value
from django.db.models.functions import Concat
from django.utils import timezone

from lscb_portal.core.search import SearchResult, SearchSource

from .models import Course, Session

# How many upcoming sessions a course result lists, and how far ahead.
SESSIONS_PER_COURSE = 3
SESSIONS_AHEAD = timedelta(weeks=26)


@dataclass(frozen=True)
class CourseResult(SearchResult):
    """A course found by a search, with its next sessions (set once the page is chosen)."""

    course_id: int = 0
    sessions: tuple = field(default=(), compare=False)


class CourseSource(SearchSource):
    def to_result(self, obj) -> CourseResult:
        result = super().to_result(obj)
        return CourseResult(**{item.name: getattr(result, item.name) for item in fields(result)}, course_id=obj.pk)


def course_source() -> SearchSource:
    """Published courses: the snippet from the summary, aims and outcomes."""
    return CourseSource(
        kind="Training course",
        queryset=lambda: Course.objects.published(),
        statement_key="training.courses",
        headline_field=Concat(
            "summary", Value(" "), "aims_text", Value(" "), "outcomes_text", output_field=TextField()
        ),
    )


def add_next_sessions(results: list[SearchResult], *, now: datetime | None = None) -> list[SearchResult]:
    """The results, each course with its next sessions and their places taken (one query for them all)."""
    course_ids = [result.course_id for result in results if isinstance(result, CourseResult)]
    if not course_ids:
        return results
    now = now or timezone.now()
    sessions = (
        Session.objects.scheduled()
        .upcoming(now)
        .filter(course_id__in=course_ids, starts_at__lte=now + SESSIONS_AHEAD)
        .with_places()
        .select_related("course")
        .prefetch_related("parts")
        .order_by("starts_at")
    )
    by_course: dict[int, list[Session]] = {}
    for session in sessions:
        by_course.setdefault(session.course_id, []).append(session)
    return [
        replace(result, sessions=tuple(by_course.get(result.course_id, [])[:SESSIONS_PER_COURSE]))
        if isinstance(result, CourseResult)
        else result
        for result in results
    ]
