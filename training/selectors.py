"""Reads of the training programme shared with other code (pages, newsletters).

Each returns a fixed number of queries whatever the number of sessions and bookings.
"""

import copy
import datetime
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Page, Paginator
from django.db.models import Count, Prefetch, Q, QuerySet, Window
from django.utils import timezone
from taggit.models import Tag

from .models import Booking, BookingStatus, Course, PartAttendance, Session, SessionPart

# Sessions on one page of the programme.
PROGRAMME_PAGE_SIZE = 25
# The long columns no line of the programme shows: read, they would cross from the database for every row.
PROGRAMME_UNSHOWN = (
    "venue_address",
    "access_notes",
    "course__summary",
    "course__aims",
    "course__learning_outcomes",
    "course__eligibility",
    "course__aims_text",
    "course__outcomes_text",
    "course__search_vector",
)


@dataclass(frozen=True)
class ProgrammeFilters:
    topic: str = ""
    audience: str = ""
    level: str = ""
    month: str = ""  # "2026-11"
    has_places: bool = False
    delivery: str = ""


def _public_sessions():
    return Session.objects.public().select_related("course").with_places().prefetch_related("parts")


def programme(
    *, filters: ProgrammeFilters, page: Any = 1, now: datetime.datetime | None = None, places: bool = True
) -> Page:
    """One page of upcoming sessions of published courses, soonest first, with places taken.

    Two queries whatever the number of sessions: the page's sessions (LIMIT/OFFSET) with the count of all
    (``_page_of``), and their dates. Places are counted per session in subqueries (``with_places_counted()``):
    ``with_places()``'s join would count the bookings of every upcoming session. With ``places=False`` (and no
    filter on places) the page has no places: ``with_current_places()`` adds them, so that a page kept while
    only bookings change reads its places afresh. Any ``page`` gives a page, as ``Paginator.get_page`` does:
    not a number means the first, beyond the end (or below 1) the last.
    """
    now = now or timezone.now()
    sessions = (
        Session.objects.public()
        .upcoming(now)
        .select_related("course")
        .defer(*PROGRAMME_UNSHOWN)
        .prefetch_related("parts")
    )
    if filters.topic:
        sessions = sessions.filter(course__topics__slug=filters.topic)
    if filters.audience:
        sessions = sessions.filter(course__audience=filters.audience)
    if filters.level:
        sessions = sessions.filter(course__level=filters.level)
    if filters.delivery:
        sessions = sessions.filter(course__delivery=filters.delivery)
    if filters.month:
        year, month = (int(part) for part in filters.month.split("-"))
        sessions = sessions.filter(starts_at__year=year, starts_at__month=month)
    if filters.has_places:
        # Places someone can book now: a session whose booking has closed has none left to book.
        sessions = sessions.open_for_booking(now).has_places()
    elif places:
        sessions = sessions.with_places_counted()
    # The primary key last, so sessions starting together keep their places from page to page.
    return _page_of(sessions.order_by("starts_at", "course__title", "pk"), page, PROGRAMME_PAGE_SIZE)


def with_current_places(page: Page) -> Page:
    """``page`` with its sessions' places as they are now, in one query, as a new page of copies: the page given
    is left as it was (it may be kept and shared). A session deleted since is left out."""
    return Page(_with_current_places(page.object_list), page.number, page.paginator)


def _with_current_places(sessions: list[Session]) -> list[Session]:
    """Copies of ``sessions`` with their places as they are now (one query); a session deleted since is left out."""
    # Counted by joining the sessions' bookings (a page holds only 25 sessions): half the time of building and
    # compiling the per-session subqueries of ``with_places_counted()``, which a long list needs.
    counted = Session.objects.filter(pk__in=[session.pk for session in sessions]).with_places().order_by()
    places = {pk: rest for pk, *rest in counted.values_list("pk", "places_taken", "places_left", "waiting_count")}
    fresh = []
    for session in sessions:
        if session.pk in places:
            session = copy.copy(session)
            session.places_taken, session.places_left, session.waiting_count = places[session.pk]
            fresh.append(session)
    return fresh


MAX_PAGE_NUMBER = 1_000_000


def _page_of(rows: QuerySet, page: Any, size: int) -> Page:
    """``Paginator(rows, size).get_page(page)``, its rows and the count of all rows read in one query.

    ``COUNT(*) OVER ()`` counts the rows before the LIMIT. A page with no rows (beyond the end,
    below 1, or nothing at all) goes the Paginator's own way, counting first.
    """
    paginator = Paginator(rows, size)
    try:
        number = int(page) if not isinstance(page, float) or page.is_integer() else None
    except (TypeError, ValueError):
        number = 1
    # A page number past any real list (``?page=9223372036854775808`` would overflow the database's OFFSET) goes
    # the Paginator's way too, which answers with the last page.
    if number is not None and 1 <= number <= MAX_PAGE_NUMBER:
        offset = (number - 1) * size
        found = list(rows.annotate(total=Window(Count("pk")))[offset : offset + size])
        if found:
            paginator.count = found[0].total  # what the cached property would have read
            current = paginator.page(number)
            current.object_list = found
            return current
    return paginator.get_page(page)


def topics_in_use() -> list[Tag]:
    """The topics of published courses, for the programme's filter."""
    return list(
        Tag.objects.filter(
            taggit_taggeditem_items__content_type=ContentType.objects.get_for_model(Course),
            taggit_taggeditem_items__object_id__in=Course.objects.published().values("pk"),
        )
        .distinct()
        .order_by("name")
    )


def course_detail(*, slug: str, now: datetime.datetime | None = None) -> Course | None:
    """A published course with its upcoming sessions (places annotated) as ``upcoming_sessions``."""
    now = now or timezone.now()
    upcoming = _public_sessions().upcoming(now).order_by("starts_at")
    return (
        Course.objects.published()
        .filter(slug=slug)
        .prefetch_related("topics", Prefetch("sessions", queryset=upcoming, to_attr="upcoming_sessions"))
        .first()
    )


def session_detail(*, pk: int) -> Session | None:
    """A public session with its course, the course's topics, its dates and its places (four queries): what
    ``session_for_page`` keeps, with the places as they are now."""
    found = session_for_page(pk=pk)
    return with_places_now(found) if found is not None else None


def session_for_page(*, pk: int) -> Session | None:
    """A public session with its course, the course's topics and its dates, without its places (three queries),
    for a page that keeps it while the sessions stand and reads the places afresh with ``with_places_now``."""
    return (
        Session.objects.public()
        .select_related("course")
        .prefetch_related("parts", "course__topics")
        .filter(pk=pk)
        .first()
    )


def with_places_now(session: Session) -> Session | None:
    """A copy of ``session`` (which may be kept and shared: it is left as it was) with its places as they are now,
    in one query; None if it has been deleted since."""
    fresh = _with_current_places([session])
    return fresh[0] if fresh else None


def sessions_with_places(
    *, within: datetime.timedelta = datetime.timedelta(weeks=6), limit: int = 6, now: datetime.datetime | None = None
) -> list[Session]:
    """Sessions open for booking with places left, soonest first (home page, digests), with ``places_taken``."""
    now = now or timezone.now()
    return list(
        Session.objects.open_for_booking(now)
        .filter(starts_at__lte=now + within)
        .select_related("course")
        .prefetch_related("parts")
        .has_places()
        .order_by("starts_at", "course__title", "pk")[:limit]
    )


def bookings_for_email(*, email: str) -> list[Booking]:
    """Every booking made with an email address, newest session first ("my training")."""
    return list(
        Booking.objects.for_email(email)
        .with_waiting_position()
        .select_related("session__course", "organisation", "evaluation")
        .prefetch_related("session__parts")
        .order_by("-session__starts_at", "-created_at")
    )


def waiting_position(booking: Booking) -> int | None:
    """Where ``booking`` is on its session's waiting list (1 for the next to be offered a place), or None."""
    if booking.status != BookingStatus.WAITING:
        return None
    return Booking.objects.filter(pk=booking.pk).with_waiting_position().values_list("waiting_position", flat=True)[0]


def group_my_bookings(bookings: list[Booking], *, now: datetime.datetime | None = None) -> dict[str, list[Booking]]:
    now = now or timezone.now()
    groups = {"offered": [], "upcoming": [], "waiting": [], "past": [], "cancelled": []}
    for booking in bookings:
        if booking.status == BookingStatus.CANCELLED:
            groups["cancelled"].append(booking)
        elif booking.session.ends_at <= now:
            groups["past"].append(booking)
        elif booking.status == BookingStatus.OFFERED:
            groups["offered"].append(booking)
        elif booking.status == BookingStatus.WAITING:
            groups["waiting"].append(booking)
        else:
            groups["upcoming"].append(booking)
    groups["upcoming"].sort(key=lambda booking: booking.session.starts_at)
    attended = [booking for booking in groups["past"] if booking.status == BookingStatus.ATTENDED]
    groups["certificates"] = [booking for booking in attended if _has_evaluation(booking)]
    groups["evaluations_due"] = [
        booking for booking in attended if booking.evaluation_sent_at and not _has_evaluation(booking)
    ]
    return groups


def _has_evaluation(booking: Booking) -> bool:
    try:
        return booking.evaluation is not None
    except Booking.evaluation.RelatedObjectDoesNotExist:
        return False


@dataclass(frozen=True)
class SessionFilter:
    """Which sessions a list of training shows: of these courses (any course when empty), starting on
    or between these local dates (either end may be open)."""

    course_ids: frozenset[int] = frozenset()
    starts_on_or_after: datetime.date | None = None
    starts_on_or_before: datetime.date | None = None

    def is_empty(self) -> bool:
        return not self.course_ids and self.starts_on_or_after is None and self.starts_on_or_before is None

    def as_q(self) -> Q:
        condition = Q()
        if self.course_ids:
            condition &= Q(course_id__in=self.course_ids)
        if self.starts_on_or_after is not None:
            condition &= Q(starts_at__date__gte=self.starts_on_or_after)
        if self.starts_on_or_before is not None:
            condition &= Q(starts_at__date__lte=self.starts_on_or_before)
        return condition

    def matches(self, session: Session) -> bool:
        day = timezone.localtime(session.starts_at).date()
        return (
            (not self.course_ids or session.course_id in self.course_ids)
            and (self.starts_on_or_after is None or day >= self.starts_on_or_after)
            and (self.starts_on_or_before is None or day <= self.starts_on_or_before)
        )


def upcoming_sessions_matching(filters: list[SessionFilter], *, now: datetime.datetime | None = None) -> list[Session]:
    """Upcoming public sessions that match any of ``filters`` (empty filters match nothing), soonest
    first, with places taken and waiting annotated: one query however many filters and sessions.

    Full and cancelled sessions are included so a list can say so; ``SessionFilter.matches`` tells
    the caller which filter each session answers.
    """
    now = now or timezone.now()
    condition = Q()
    for session_filter in filters:
        if not session_filter.is_empty():
            condition |= session_filter.as_q()
    if not condition:
        return []
    return list(_public_sessions().upcoming(now).filter(condition).order_by("starts_at", "course__title"))


def courses_for_choosing():
    """Published courses by title, for other apps' pickers (e.g. a newsletter's training block)."""
    return Course.objects.published().order_by("title")


# Who is on a session's register: everyone holding a place that can be marked (or has been).
REGISTER_STATUSES = [
    BookingStatus.CONFIRMED,
    BookingStatus.ATTENDED,
    BookingStatus.PARTLY_ATTENDED,
    BookingStatus.DID_NOT_ATTEND,
]


@dataclass(frozen=True)
class RegisterRow:
    """One delegate on the register, with their mark for each of the session's dates (None: not marked)."""

    booking: Booking
    marks: tuple[bool | None, ...]


@dataclass(frozen=True)
class Register:
    """A session's register: its dates (parts, first first) and a row for each delegate, by name."""

    session: Session
    parts: list[SessionPart]
    rows: list[RegisterRow]


def session_register(*, session: Session, with_needs: bool = False) -> Register:
    """The register of a session, for the page that marks it and for every printed or exported copy.

    With ``with_needs`` (the trainer's copy) each booking comes with its access and dietary needs as
    ``booking.needs``, while they are kept. Three queries whatever the number of delegates and dates.
    """
    parts = list(SessionPart.objects.filter(session=session).order_by("starts_at"))
    bookings = list(
        Booking.objects.filter(session=session, status__in=REGISTER_STATUSES)
        .select_related("organisation", *(["needs"] if with_needs else []))
        .order_by("attendee_name", "sequence")
    )
    marks = {
        (booking_id, part_id): attended
        for booking_id, part_id, attended in PartAttendance.objects.filter(booking__in=bookings).values_list(
            "booking_id", "part_id", "attended"
        )
    }
    rows = [
        RegisterRow(booking=booking, marks=tuple(marks.get((booking.pk, part.pk)) for part in parts))
        for booking in bookings
    ]
    return Register(session=session, parts=parts, rows=rows)
