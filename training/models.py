"""The training programme: courses, their dated sessions, and the bookings on them.

A session's ``capacity`` is its total number of places. Places are taken by
bookings that are confirmed, offered to someone on the waiting list, or held
while a manager approves them; everything that changes who holds a place goes
through ``training.services`` under a lock on the session row.
"""

import datetime
import secrets
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Case, Count, F, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce, Greatest, Lower
from django.utils import timezone
from simple_history.models import HistoricalRecords
from taggit.managers import TaggableManager

from lscb_portal.core.codes import format_code
from lscb_portal.core.links import path_to
from lscb_portal.core.models import OutboxMessage
from lscb_portal.core.richtext import RichTextField, plain_text
from lscb_portal.core.search import search_vector_field, search_vector_index

from . import conf
from .workingdays import working_days_before


class Level(models.TextChoices):
    FOUNDATION = "foundation", "Foundation (level 1)"
    INTERMEDIATE = "intermediate", "Intermediate (level 2)"
    ADVANCED = "advanced", "Advanced (level 3)"


class Audience(models.TextChoices):
    EVERYONE = "everyone", "Everyone who works with children and families"
    SAFEGUARDING_LEADS = "leads", "Designated safeguarding leads"
    MANAGERS = "managers", "Managers and supervisors"
    SPECIALISTS = "specialists", "Specialist practitioners"


class Length(models.TextChoices):
    HALF_DAY = "half_day", "Half day"
    FULL_DAY = "full_day", "Full day"
    HOURS = "hours", "A number of hours"


_LENGTH_LABELS = dict(Length.choices)


class ChargeBasis(models.TextChoices):
    NONE = "none", "No charge"
    LENGTH = "length", "By course length, at the charging policy's rates"
    FIXED = "fixed", "A fixed amount for this course"


class Delivery(models.TextChoices):
    IN_PERSON = "in_person", "In person"
    ONLINE = "online", "Online"


class CourseQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)


class Course(models.Model):
    title = models.CharField(max_length=200)
    slug = models.SlugField(
        max_length=200, unique=True, help_text="The course's web address. Do not change it once booked."
    )
    summary = models.TextField(help_text="Two or three sentences shown in the programme and in search results.")
    aims = RichTextField(blank=True)
    learning_outcomes = RichTextField(blank=True, help_text="What delegates will be able to do afterwards.")
    audience = models.CharField(max_length=20, choices=Audience, default=Audience.EVERYONE)
    audience_detail = models.CharField(
        max_length=255,
        blank=True,
        help_text="Who the course is for, in a sentence, e.g. 'Health visitors and midwives'.",
    )
    eligibility = models.TextField(
        blank=True,
        help_text="A statement the booker must confirm, e.g. 'I undertake family assessments.' Leave blank if "
        "the course is open to everyone.",
    )
    level = models.CharField(max_length=20, choices=Level, default=Level.FOUNDATION)
    length = models.CharField(max_length=10, choices=Length, default=Length.HALF_DAY)
    length_hours = models.DecimalField(
        max_digits=4, decimal_places=1, null=True, blank=True, help_text="Only when the length is a number of hours."
    )
    topics = TaggableManager("topics", blank=True, help_text="Topics practitioners can filter the programme by.")
    fee = models.DecimalField(
        "fee per place", max_digits=7, decimal_places=2, default=Decimal("0"), help_text="0 for a free course."
    )
    non_attendance_charge = models.DecimalField(
        max_digits=7,
        decimal_places=2,
        default=Decimal("0"),
        help_text="Charged under the charging policy for a place not used and not cancelled before booking closes.",
    )
    charge_basis = models.CharField(
        "non-attendance charged",
        max_length=10,
        choices=ChargeBasis,
        default=ChargeBasis.LENGTH,
        help_text="How a place not used (or cancelled after booking closed) is charged.",
    )
    non_partner_charge = models.DecimalField(
        "fixed non-partner charge",
        max_digits=7,
        decimal_places=2,
        default=Decimal("0"),
        help_text="For a fixed amount: what an organisation that is not a partner agency pays. "
        "The non-attendance charge above is the partner amount.",
    )
    delivery = models.CharField(max_length=10, choices=Delivery, default=Delivery.IN_PERSON)
    requires_manager_approval = models.BooleanField(
        default=False, help_text="The booker's manager is emailed a link to approve or decline each booking."
    )
    approval_hold_hours = models.PositiveSmallIntegerField(
        default=72, help_text="How long a place is held while the manager decides (never past the closing time)."
    )
    is_published = models.BooleanField("published", default=True, help_text="Shown in the public programme.")
    aims_text = models.TextField(blank=True, editable=False)
    outcomes_text = models.TextField(blank=True, editable=False)
    search_vector = search_vector_field(
        a=["title"], b=["summary", "audience_detail"], c=["aims_text", "outcomes_text"]
    )
    history = HistoricalRecords(excluded_fields=["search_vector"])

    objects = CourseQuerySet.as_manager()

    class Meta:
        ordering = ["title"]
        indexes = [search_vector_index(name="training_course_search")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(length="hours") | Q(length_hours__gt=0), name="training_course_hours_given"
            ),
            models.CheckConstraint(
                condition=Q(fee__gte=0) & Q(non_attendance_charge__gte=0), name="training_course_charges_not_negative"
            ),
            models.CheckConstraint(condition=Q(non_partner_charge__gte=0), name="training_course_non_partner_charge"),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        # The search vector is generated from plain-text columns (see core.search).
        self.aims_text = plain_text(self.aims)
        self.outcomes_text = plain_text(self.learning_outcomes)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return path_to("training:course", self.slug)

    @property
    def length_label(self) -> str:
        if self.length == Length.HOURS and self.length_hours:
            hours = f"{self.length_hours.normalize():f}"
            return f"{hours} hour" if hours == "1" else f"{hours} hours"
        # The choice's label, as get_length_display() gives it, without building the choices each time.
        return _LENGTH_LABELS.get(self.length, self.length)


class SessionStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    CANCELLED = "cancelled", "Cancelled"


class BookingStatus(models.TextChoices):
    PENDING_APPROVAL = "pending_approval", "Waiting for manager's approval"
    CONFIRMED = "confirmed", "Confirmed"
    WAITING = "waiting", "On the waiting list"
    OFFERED = "offered", "Place offered"
    CANCELLED = "cancelled", "Cancelled"
    ATTENDED = "attended", "Attended"
    # A course over several dates: came to some of its parts, not all (no certificate, no charge).
    PARTLY_ATTENDED = "partly_attended", "Attended some dates"
    DID_NOT_ATTEND = "did_not_attend", "Did not attend"


# Statuses that take one of the session's places.
HOLDING_PLACE = [
    BookingStatus.PENDING_APPROVAL,
    BookingStatus.CONFIRMED,
    BookingStatus.OFFERED,
    BookingStatus.ATTENDED,
    BookingStatus.PARTLY_ATTENDED,
    BookingStatus.DID_NOT_ATTEND,
]


class SessionQuerySet(models.QuerySet):
    def public(self):
        """Sessions the public may see: of published courses (cancelled ones still show, marked)."""
        return self.filter(course__is_published=True)

    def scheduled(self):
        return self.public().filter(status=SessionStatus.SCHEDULED)

    def upcoming(self, now: datetime.datetime | None = None):
        return self.filter(starts_at__gt=now or timezone.now())

    def open_for_booking(self, now: datetime.datetime | None = None):
        """``services.booking_state`` is OPEN, said in SQL for listings (tests/training/test_rules.py)."""
        now = now or timezone.now()
        return (
            self.scheduled()
            .upcoming(now)
            .filter(Q(booking_opens_at__isnull=True) | Q(booking_opens_at__lte=now), booking_closes_at__gt=now)
        )

    def with_places(self):
        """Annotate places_taken, places_left and waiting_count (one query, whatever the number of bookings)."""
        return self.annotate(
            places_taken=Count("bookings", filter=Q(bookings__status__in=HOLDING_PLACE)),
            places_left=places_left_of(F("places_taken")),
            waiting_count=Count("bookings", filter=Q(bookings__status=BookingStatus.WAITING)),
        )

    def with_places_counted(self):
        """``with_places()`` counted per session in subqueries, for a page of a long list: with a LIMIT,
        Postgres counts only the sessions it returns; ``with_places()``'s join would group every session's
        bookings first."""
        return self.annotate(
            places_taken=places_taken_count(),
            places_left=places_left_of(F("places_taken")),
            waiting_count=bookings_count(BookingStatus.WAITING),
        )

    def has_places(self):
        """Sessions with a place left, with ``places_taken``, ``places_left`` and ``waiting_count``."""
        return self.with_places_counted().filter(places_left__gt=0)


def places_left_of(taken) -> Greatest:
    """The places left on a session when ``taken`` of its places are taken: never fewer than none.

    The one definition of "a place is left" (``places_left > 0``): the listings filter on it, the
    pages show it (``Session.places_remaining()``) and the services count with it under the
    session's lock (``services.locking.places_left``).
    """
    return Greatest(F("capacity") - taken, Value(0), output_field=models.IntegerField())


def places_taken_count():
    """The places taken in the session of the outer query, as a subquery (0 when none)."""
    return bookings_count(*HOLDING_PLACE)


def bookings_count(*statuses):
    """The bookings in ``statuses`` of the session of the outer query, as a subquery (0 when none)."""
    counted = (
        Booking.objects.filter(session=OuterRef("pk"), status__in=statuses)
        .order_by()
        .values("session")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return Coalesce(Subquery(counted, output_field=models.IntegerField()), 0)


def default_booking_closes(starts_at: datetime.datetime) -> datetime.datetime:
    """The closing time: a set hour, a set number of working days before the session's date."""
    local_start = timezone.localtime(starts_at)
    closing_date = working_days_before(local_start.date(), conf.close_working_days())
    return timezone.make_aware(datetime.datetime.combine(closing_date, conf.close_time()))


class Venue(models.Model):
    """A place sessions are held, typed once and chosen for each session.

    Choosing a venue copies its details onto the session (``services.venue_details``): the session's
    own copy is what pages, emails, calendar files and registers show and what its history records,
    so editing a venue later changes only the sessions still to come (the admin says how many).
    """

    name = models.CharField(
        max_length=200, help_text="As delegates will read it, e.g. 'Northminster House, 1st Floor'."
    )
    is_online = models.BooleanField(
        "online", default=False, help_text="An online meeting room (e.g. 'Microsoft Teams'): it has no address."
    )
    address = models.TextField(blank=True, help_text="One part of the address per line.")
    postcode = models.CharField(max_length=10, blank=True)
    access_notes = models.TextField(
        blank=True, help_text="Parking, step-free access, hearing loop, nearest station: what delegates need to know."
    )
    joining_url = models.URLField(
        "standing joining link",
        blank=True,
        help_text="Only for an online room whose link never changes. A link made for each meeting goes on the "
        "session instead. Sent only to confirmed delegates.",
    )
    in_use = models.BooleanField(
        "still used",
        default=True,
        help_text="Untick when the board no longer holds sessions here: it is no longer offered for sessions, "
        "and the sessions held here keep it.",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                Lower("postcode"),
                name="training_venue_one_per_name_and_postcode",
                violation_error_message="There is already a venue with this name and postcode.",
            ),
        ]

    def __str__(self) -> str:
        if self.is_online:
            return f"{self.name} (online)"
        return f"{self.name}, {self.postcode}" if self.postcode else self.name


class Trainer(models.Model):
    """Someone who delivers sessions. Sessions keep the names of their trainers as they were (certificates
    print them), so renaming a trainer changes only the sessions still to come."""

    name = models.CharField(max_length=200, help_text="As certificates print it, e.g. 'DS Kieran Walsh'.")
    email = models.EmailField(blank=True)
    agency = models.CharField(max_length=200, blank=True, help_text="Who they work for, e.g. 'Northbrook Police'.")
    in_use = models.BooleanField(
        "still training",
        default=True,
        help_text="Untick when they no longer deliver the board's training: they are no longer offered for "
        "sessions, and the sessions they delivered keep their name.",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                name="training_trainer_one_per_name",
                violation_error_message="There is already a trainer with this name.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.agency})" if self.agency else self.name


class Session(models.Model):
    """One run of a course, on one or more dates (``parts``). A morning and an afternoon run are two sessions."""

    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="sessions")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    venue = models.ForeignKey(
        Venue,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sessions",
        help_text="Its address and access notes are copied to the session. Add a new venue with the + button.",
    )
    # The venue's details as they were when it was chosen: what the session's pages and emails show.
    venue_name = models.CharField(max_length=200, blank=True, help_text="For online sessions: e.g. 'Microsoft Teams'.")
    venue_address = models.TextField(blank=True, help_text="One part of the address per line.")
    venue_postcode = models.CharField(max_length=10, blank=True)
    access_notes = models.TextField(
        blank=True, help_text="Parking, step-free access, hearing loop, nearest station: what delegates need to know."
    )
    joining_url = models.URLField(
        "online joining link", blank=True, help_text="Sent only to confirmed delegates, never shown publicly."
    )
    trainer_records = models.ManyToManyField(
        Trainer,
        blank=True,
        related_name="sessions",
        verbose_name="trainers",
        help_text="Type to find a trainer; add a new one with the + button.",
    )
    # The chosen trainers' names as they were when chosen: what certificates and registers print.
    trainers = models.CharField(max_length=255, blank=True, help_text="Names, separated by commas.")
    capacity = models.PositiveIntegerField(
        help_text="The total number of places. Raising it offers the new places to the waiting list."
    )
    places_per_organisation = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text="The most places one organisation may book (e.g. 3 per school). Blank for no limit.",
    )
    booking_opens_at = models.DateTimeField(null=True, blank=True, help_text="Blank to open booking straight away.")
    booking_closes_at = models.DateTimeField(
        blank=True, help_text="Blank for the default: 5pm, two working days before the session."
    )
    status = models.CharField(max_length=10, choices=SessionStatus, default=SessionStatus.SCHEDULED)
    cancelled_reason = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    history = HistoricalRecords()

    objects = SessionQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at", "course__title"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="training_session_ends_after_start"),
            models.CheckConstraint(condition=Q(capacity__gte=0), name="training_session_capacity_not_negative"),
            models.CheckConstraint(
                condition=Q(booking_closes_at__lte=F("ends_at")), name="training_session_closes_before_end"
            ),
            models.CheckConstraint(
                condition=Q(places_per_organisation__isnull=True) | Q(places_per_organisation__gte=1),
                name="training_session_org_cap_positive",
            ),
        ]
        indexes = [models.Index(fields=["starts_at"], name="training_session_start")]

    def __str__(self) -> str:
        local = timezone.localtime(self.starts_at) if self.starts_at else None
        return f"{self.course.title}, {local:%d/%m/%Y %H:%M}" if local else self.course.title

    def save(self, *args, **kwargs):
        # A default, not a side effect: the closing time follows the working-day rule unless set.
        if self.booking_closes_at is None and self.starts_at is not None:
            self.booking_closes_at = default_booking_closes(self.starts_at)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return path_to("training:session", self.pk)

    @property
    def is_cancelled(self) -> bool:
        return self.status == SessionStatus.CANCELLED

    @property
    def is_online(self) -> bool:
        return self.course.delivery == Delivery.ONLINE

    @property
    def venue_lines(self) -> list[str]:
        lines = [self.venue_name] if self.venue_name else []
        lines += [line.strip() for line in self.venue_address.splitlines() if line.strip()]
        if self.venue_postcode:
            lines.append(self.venue_postcode)
        return lines

    @property
    def venue_one_line(self) -> str:
        return ", ".join(self.venue_lines)

    def places_remaining(self) -> int:
        """Needs ``with_places()`` or ``has_places()``."""
        return self.places_left

    def is_full(self) -> bool:
        return self.places_left == 0

    def has_started(self, now: datetime.datetime | None = None) -> bool:
        return self.starts_at <= (now or timezone.now())

    def days(self) -> list[tuple[datetime.datetime, datetime.datetime]]:
        """Each dated part's start and end, in order: what calendars, certificates and registers list.

        Prefetch ``parts`` when reading many sessions; a session not yet given parts counts as its span.
        """
        return [(part.starts_at, part.ends_at) for part in self.parts.all()] or [(self.starts_at, self.ends_at)]


class SessionPart(models.Model):
    """One dated part of a session: a two-day course has two, four weekly evenings four.

    A booking is for the whole session, every part of it. The session's ``starts_at`` and
    ``ends_at`` are the span of its parts (the first part's start, the last part's end),
    kept so by ``services.session_parts_set``: ordering, filtering and the booking rules
    read the span; the pages, calendar files, registers and certificates list the parts.
    """

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="parts")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["starts_at"]
        verbose_name = "date"
        verbose_name_plural = "dates"
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="training_part_ends_after_start"),
            models.UniqueConstraint(
                fields=["session", "starts_at"],
                name="training_part_one_per_start",
                deferrable=models.Deferrable.DEFERRED,
            ),
        ]

    def __str__(self) -> str:
        local = timezone.localtime(self.starts_at)
        return f"{local:%d/%m/%Y %H:%M}"

    def has_started(self, now: datetime.datetime | None = None) -> bool:
        return self.starts_at <= (now or timezone.now())


class EndReason(models.TextChoices):
    ATTENDEE = "attendee", "Cancelled by the delegate"
    BOARD = "board", "Cancelled by the training team"
    SESSION_CANCELLED = "session_cancelled", "The session was cancelled"
    OFFER_DECLINED = "offer_declined", "Offered place declined"
    OFFER_EXPIRED = "offer_expired", "Offered place not accepted in time"
    MANAGER_DECLINED = "manager_declined", "Manager did not approve"
    APPROVAL_EXPIRED = "approval_expired", "Manager did not reply in time"
    TRANSFERRED = "transferred", "Place passed to a colleague"


REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def new_reference() -> str:
    return "TR-" + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(6))


def emails_to_delegate(email, reference):
    """The training emails to a booking's delegate about it, newest first (``email`` and ``reference`` may be
    ``OuterRef``s): every training email's category starts "training." and its key carries the reference."""
    return OutboxMessage.objects.filter(
        to=email, category__startswith="training.", dedupe_key__contains=reference
    ).order_by("-created_at", "-pk")


class BookingQuerySet(models.QuerySet):
    def live(self):
        return self.exclude(status=BookingStatus.CANCELLED)

    def holding_places(self):
        return self.filter(status__in=HOLDING_PLACE)

    def waiting(self):
        return self.filter(status=BookingStatus.WAITING).order_by("sequence")

    def with_waiting_position(self):
        """Annotate ``waiting_position``: 1 for the next person to be offered a place on the booking's session,
        2 for the one after, and so on (the order of ``waiting()``); None for a booking not waiting."""
        ahead = (
            Booking.objects.filter(
                session=OuterRef("session"), status=BookingStatus.WAITING, sequence__lte=OuterRef("sequence")
            )
            .order_by()
            .values("session")
            .annotate(count=Count("pk"))
            .values("count")
        )
        return self.annotate(
            waiting_position=Case(
                When(status=BookingStatus.WAITING, then=Subquery(ahead)),
                default=None,
                output_field=models.IntegerField(),
            )
        )

    def for_email(self, email: str):
        return self.filter(email__iexact=email.strip())

    def with_email_status(self):
        """Annotate the latest email about the booking to its delegate: ``email_status`` (the outbox's
        pending, sending, sent or failed; None if never emailed), ``email_subject`` and ``email_at``.

        One subquery in the same statement, on the outbox's index of addresses: the lists show every
        booking's status without a query for each. Every training email's key carries the reference.
        """
        latest = emails_to_delegate(OuterRef("email"), OuterRef("reference")).values_list
        return self.annotate(
            email_status=Subquery(latest("status")[:1]),
            email_subject=Subquery(latest("subject")[:1]),
            email_at=Subquery(latest("created_at")[:1]),
        )


class Booking(models.Model):
    """A practitioner's place (or place in the queue) on a session. No account needed."""

    reference = models.CharField(max_length=12, unique=True, default=new_reference, editable=False)
    session = models.ForeignKey(Session, on_delete=models.PROTECT, related_name="bookings")
    # The order in which booking attempts took the session's lock: the waiting list's order.
    sequence = models.BigIntegerField(editable=False)
    attendee_name = models.CharField("name", max_length=150)
    email = models.EmailField("work email", max_length=254)
    phone = models.CharField(max_length=40, blank=True)
    organisation = models.ForeignKey("core.Organisation", on_delete=models.PROTECT, related_name="training_bookings")
    role = models.CharField("job title", max_length=150)
    manager_name = models.CharField(max_length=150, blank=True)
    manager_email = models.EmailField(max_length=254, blank=True)
    status = models.CharField(max_length=20, choices=BookingStatus)
    cancel_reason = models.CharField(max_length=20, choices=EndReason, blank=True)
    eligibility_confirmed = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    offer_expires_at = models.DateTimeField(null=True, blank=True)
    hold_expires_at = models.DateTimeField(
        null=True, blank=True, help_text="While waiting for the manager: when the held place is released."
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)
    late_cancellation = models.BooleanField(
        default=False, help_text="Cancelled after booking closed: the charging policy applies."
    )
    transferred_to = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="transferred_from"
    )
    reminder_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    attendance_marked_at = models.DateTimeField(null=True, blank=True, editable=False)
    evaluation_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    history = HistoricalRecords()

    objects = BookingQuerySet.as_manager()

    class Meta:
        ordering = ["session", "sequence"]
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                "session",
                condition=~Q(status="cancelled"),
                name="training_booking_one_live_per_email",
                violation_error_message="This email address already has a booking for this session.",
            ),
            models.CheckConstraint(
                condition=~Q(status="offered") | Q(offer_expires_at__isnull=False),
                name="training_booking_offer_has_expiry",
            ),
            models.CheckConstraint(
                condition=~Q(status="pending_approval") | Q(hold_expires_at__isnull=False),
                name="training_booking_hold_has_expiry",
            ),
        ]
        indexes = [
            models.Index(fields=["session", "status", "sequence"], name="training_booking_queue"),
            models.Index(Lower("email"), name="training_booking_email"),
        ]

    def __str__(self) -> str:
        return f"{self.reference}: {self.attendee_name}"

    @property
    def holds_place(self) -> bool:
        return self.status in HOLDING_PLACE

    @property
    def is_live(self) -> bool:
        return self.status != BookingStatus.CANCELLED


class PartAttendance(models.Model):
    """Whether a delegate came to one part of their session, as marked on the register.

    The booking's status sums up its marks once every part is marked (``services.attendance_mark``):
    attended, attended some dates, or did not attend.
    """

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="part_attendance")
    part = models.ForeignKey(SessionPart, on_delete=models.PROTECT, related_name="attendance")
    attended = models.BooleanField()
    marked_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "attendance on a date"
        verbose_name_plural = "attendance on each date"
        constraints = [models.UniqueConstraint(fields=["booking", "part"], name="training_attendance_one_per_part")]

    def __str__(self) -> str:
        return f"{self.booking.reference} on {self.part}: {'attended' if self.attended else 'did not attend'}"


class BookingNeeds(models.Model):
    """Access and dietary needs: special-category data, kept apart and deleted a week after the session.

    No history is kept of this model, so deleting the row deletes the data.
    """

    booking = models.OneToOneField(Booking, on_delete=models.CASCADE, related_name="needs")
    access_needs = models.TextField(blank=True)
    dietary_needs = models.TextField(blank=True)
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = "access and dietary needs"
        verbose_name_plural = "access and dietary needs"

    def __str__(self) -> str:
        return f"Needs for {self.booking.reference}"


class LengthRate(models.Model):
    """The charging policy: what a place not used costs, by course length, for partners and others."""

    length = models.CharField(max_length=10, choices=Length, unique=True)
    partner_rate = models.DecimalField(max_digits=7, decimal_places=2, validators=[MinValueValidator(0)])
    non_partner_rate = models.DecimalField(max_digits=7, decimal_places=2, validators=[MinValueValidator(0)])
    history = HistoricalRecords()

    class Meta:
        ordering = ["length"]
        verbose_name = "charging policy rate"
        verbose_name_plural = "charging policy rates"
        constraints = [
            models.CheckConstraint(
                condition=Q(partner_rate__gte=0) & Q(non_partner_rate__gte=0), name="training_rate_not_negative"
            )
        ]

    def __str__(self) -> str:
        unit = "per hour" if self.length == Length.HOURS else self.get_length_display().lower()
        return f"{unit}: partners £{self.partner_rate}, others £{self.non_partner_rate}"


class ChargeReason(models.TextChoices):
    DID_NOT_ATTEND = "did_not_attend", "Did not attend"
    LATE_CANCELLATION = "late_cancellation", "Cancelled after booking closed"


class ChargeQuerySet(models.QuerySet):
    def payable(self):
        return self.filter(waived_at__isnull=True)

    def waived(self):
        return self.filter(waived_at__isnull=False)


class Charge(models.Model):
    """What an organisation owes for a place not used. Raised by the services, never typed in."""

    booking = models.OneToOneField(Booking, on_delete=models.PROTECT, related_name="charge")
    organisation = models.ForeignKey("core.Organisation", on_delete=models.PROTECT, related_name="training_charges")
    reason = models.CharField(max_length=20, choices=ChargeReason)
    partner_rate = models.BooleanField(help_text="Charged at the partner agencies' rate.")
    amount = models.DecimalField(max_digits=7, decimal_places=2)
    raised_at = models.DateTimeField(default=timezone.now)
    waived_at = models.DateTimeField(null=True, blank=True)
    waived_reason = models.CharField(max_length=255, blank=True)
    waived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    invoiced_at = models.DateTimeField(null=True, blank=True, help_text="When it was exported for invoicing.")
    history = HistoricalRecords()

    objects = ChargeQuerySet.as_manager()

    class Meta:
        ordering = ["-raised_at"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="training_charge_positive"),
            models.CheckConstraint(
                condition=Q(waived_at__isnull=True) | ~Q(waived_reason=""), name="training_charge_waiver_has_reason"
            ),
        ]

    def __str__(self) -> str:
        return f"£{self.amount} for {self.booking.reference}"

    @property
    def is_waived(self) -> bool:
        return self.waived_at is not None


class Evaluation(models.Model):
    """The delegate's impact evaluation; the certificate is issued once it is done."""

    SCALE = [(n, str(n)) for n in range(1, 6)]

    booking = models.OneToOneField(Booking, on_delete=models.CASCADE, related_name="evaluation")
    knowledge_before = models.PositiveSmallIntegerField(choices=SCALE)
    knowledge_after = models.PositiveSmallIntegerField(choices=SCALE)
    confidence_before = models.PositiveSmallIntegerField(choices=SCALE)
    confidence_after = models.PositiveSmallIntegerField(choices=SCALE)
    practice_change = models.TextField("what will change in practice")
    submitted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-submitted_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(knowledge_before__range=(1, 5))
                & Q(knowledge_after__range=(1, 5))
                & Q(confidence_before__range=(1, 5))
                & Q(confidence_after__range=(1, 5)),
                name="training_evaluation_scores_1_to_5",
            )
        ]

    def __str__(self) -> str:
        return f"Evaluation for {self.booking.reference}"


class Certificate(models.Model):
    """A certificate of attendance, issued once the delegate's evaluation is in.

    Its code (``ABCD-EFGH`` on the certificate) lets an employer check it at
    ``/training/certificates/verify/``. The PDF is made by a job and kept in storage
    (training/certificates.py); it is deleted with the booking's personal data.
    """

    booking = models.OneToOneField(Booking, on_delete=models.CASCADE, related_name="certificate")
    code = models.CharField(max_length=12, unique=True, editable=False)
    issued_at = models.DateTimeField(default=timezone.now, editable=False)
    pdf = models.FileField("PDF", max_length=255, blank=True, editable=False)
    pdf_size = models.PositiveIntegerField("PDF size", default=0, editable=False)
    pdf_made_at = models.DateTimeField("PDF made", null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-issued_at"]

    def __str__(self) -> str:
        return f"Certificate {self.printed_code} for {self.booking.reference}"

    @property
    def printed_code(self) -> str:
        return format_code(self.code)
