"""The demo training programme: a year (April to March) of multi-agency courses.

Past sessions, sessions nearly full, full with a waiting list, barely booked, one
cancelled, a morning and an afternoon run of one event, and a course over two dates a
week apart; bookings from
organisations across the sectors. Names and contact details are made up.
Running it again changes nothing (everything is keyed on slugs, dates and references).
"""

import datetime
from decimal import Decimal

from django.utils import timezone
from django.utils.text import slugify

from lscb_portal.core.models import Organisation, Sector

from .models import (
    Audience,
    Booking,
    BookingNeeds,
    BookingStatus,
    Charge,
    ChargeBasis,
    ChargeReason,
    Course,
    Delivery,
    EndReason,
    Evaluation,
    Length,
    Level,
    PartAttendance,
    Session,
    SessionStatus,
    Trainer,
    Venue,
)
from .workingdays import is_working_day

ORGANISATIONS = [
    ("Northbrook City Council Children's Social Care", Sector.SOCIAL_CARE),
    ("Northbrook Police", Sector.POLICE),
    ("Northbrook Community Health NHS Trust", Sector.HEALTH),
    ("Riverside Primary School", Sector.EDUCATION),
    ("St Anne's Church of England Academy", Sector.EDUCATION),
    ("Northbrook College", Sector.EDUCATION),
    ("Little Acorns Day Nursery", Sector.EARLY_YEARS),
    ("Northbrook Probation Service", Sector.PROBATION),
    ("Safe Harbour Domestic Abuse Service", Sector.VOLUNTARY),
    ("Northbrook Youth Trust", Sector.VOLUNTARY),
]

FIRST_NAMES = [
    "Amira", "Ben", "Chloe", "Dev", "Ellie", "Femi", "Grace", "Harry", "Isla", "Jamal", "Kasia", "Liam",
    "Maya", "Niamh", "Oscar", "Priya", "Rhys", "Sofia", "Tariq", "Una", "Viktor", "Wendy", "Yusuf", "Zara",
]  # fmt: skip
LAST_NAMES = [
    "Ahmed", "Brennan", "Clarke", "Dlamini", "Evans", "Fraser", "Gill", "Hughes", "Iqbal", "Jones", "Kowalski",
    "Lewis", "Morgan", "Nwosu", "O'Neill", "Patel", "Quinn", "Roberts", "Singh", "Taylor", "Walsh", "Young",
]  # fmt: skip
ROLES = {
    Sector.SOCIAL_CARE: "Social worker",
    Sector.POLICE: "Detective constable",
    Sector.HEALTH: "Health visitor",
    Sector.EDUCATION: "Designated safeguarding lead",
    Sector.EARLY_YEARS: "Nursery manager",
    Sector.PROBATION: "Probation officer",
    Sector.VOLUNTARY: "Family support worker",
}

VENUES = [
    ("Northminster House, 1st Floor", "Market Street\nNorthbrook", "NB1 4QT", "Step-free entrance on Market Street. "
     "Hearing loop in the training room. Pay and display parking in Castle Street car park, 5 minutes' walk."),
    ("Riverside Community Centre", "12 Mill Lane\nNorthbrook", "NB3 7HL", "Free parking on site. Level access "
     "throughout; accessible toilet on the ground floor. Bus 14 stops outside."),
    ("Northbrook Civic Centre, Committee Room 2", "Floor 3, Market Street\nNorthbrook", "NB1 4QT", "Lifts to all "
     "floors. Northbrook station is a 10-minute walk."),
]  # fmt: skip
ONLINE = ("Microsoft Teams", "", "", "")

# (name as certificates print it, agency, email)
TRAINERS = [
    ("Helen Marsh", "Northbrook Safeguarding Children Board", "helen.marsh@northbrook-lscb.example.org"),
    ("Tomasz Nowak", "Northbrook Safeguarding Children Board", "tomasz.nowak@northbrook-lscb.example.org"),
    ("Dr Ruth Okafor (Designated Doctor)", "Northbrook Community Health NHS Trust", ""),
    ("DS Kieran Walsh (Northbrook Police)", "Northbrook Police", ""),
    ("Sarah Lin (Safe Harbour)", "Safe Harbour domestic abuse service", ""),
]

COURSES = [
    {
        "slug": "introduction-to-safeguarding-children",
        "title": "An Introduction to Safeguarding Children",
        "summary": "The basics for anyone new to working with children: what abuse and neglect look like, what to "
        "do if you are worried, and how to share information safely.",
        "aims": "<p>To give practitioners the confidence to recognise when a child may need help and to act on "
        "it.</p>",
        "outcomes": "<ul><li>Recognise the four categories of abuse and the signs of neglect</li><li>Know who to "
        "tell and how to make a referral to the Children's Front Door</li><li>Understand when information can be "
        "shared without consent</li></ul>",
        "audience": Audience.EVERYONE,
        "audience_detail": "Anyone in any agency who is new to working with children, young people or families.",
        "level": Level.FOUNDATION,
        "length": Length.HALF_DAY,
        "topics": ["Early help", "Neglect"],
        "times": ((9, 30), (12, 30)),
        "capacity": 15,
        "months": [4, 6, 9, 11, 1, 3],
    },
    {
        "slug": "working-together-multi-agency-safeguarding",
        "title": "Working Together: Multi-agency Safeguarding in Practice",
        "summary": "How agencies work together from the first concern to a child protection plan: strategy "
        "discussions, section 47 enquiries, conferences and core groups.",
        "aims": "<p>To help practitioners play their part in multi-agency child protection work.</p>",
        "outcomes": "<ul><li>Describe each stage of the child protection process</li><li>Contribute to a "
        "conference report that keeps the child's voice at its centre</li><li>Challenge respectfully when you "
        "disagree with a decision (escalation)</li></ul>",
        "audience": Audience.EVERYONE,
        "audience_detail": "Practitioners who take part in child protection conferences and core groups.",
        "level": Level.INTERMEDIATE,
        "length": Length.FULL_DAY,
        "topics": ["Child protection", "Working Together"],
        "times": ((9, 30), (16, 0)),
        "capacity": 20,
        "months": [5, 10, 2],
    },
    {
        "slug": "exploitation-and-county-lines",
        "title": "Child Sexual and Criminal Exploitation, including County Lines",
        "summary": "Spotting the signs that a child is being groomed or exploited, understanding county lines, "
        "and using the exploitation risk assessment and referral pathway.",
        "aims": "<p>To help practitioners identify exploitation early and respond together.</p>",
        "outcomes": "<ul><li>Recognise grooming, online and in person</li><li>Complete the exploitation risk "
        "assessment</li><li>Know the role of the multi-agency exploitation panel</li></ul>",
        "audience": Audience.EVERYONE,
        "audience_detail": "Practitioners working with young people aged 10 to 18.",
        "level": Level.INTERMEDIATE,
        "length": Length.FULL_DAY,
        "topics": ["Exploitation", "County lines"],
        "times": ((9, 30), (16, 0)),
        "capacity": 20,
        "months": [7, 12, 3],
    },
    {
        "slug": "domestic-abuse-impact-on-children",
        "title": "Domestic Abuse: the Impact on Children",
        "summary": "What living with domestic abuse does to children, how to ask about it safely, and which "
        "local services can help.",
        "aims": "<p>To improve how practitioners identify and respond to children living with domestic abuse.</p>",
        "outcomes": "<ul><li>Understand coercive control and its effect on parenting</li><li>Use the DASH risk "
        "checklist and know when to refer to MARAC</li></ul>",
        "audience": Audience.EVERYONE,
        "audience_detail": "",
        "level": Level.INTERMEDIATE,
        "length": Length.HALF_DAY,
        "topics": ["Domestic abuse"],
        "times": ((13, 30), (16, 30)),
        "capacity": 15,
        "months": [4, 8, 11, 2],
        "non_attendance_charge": Decimal("40.00"),
    },
    {
        "slug": "neglect-graded-care-profile",
        "title": "Neglect: Using the Graded Care Profile",
        "summary": "A practical day on assessing neglect with the Graded Care Profile 2, so that families and "
        "agencies share one picture of a child's needs.",
        "aims": "<p>To train practitioners to use the Graded Care Profile 2 in assessments.</p>",
        "outcomes": "<ul><li>Complete a Graded Care Profile with a family</li><li>Use the scores to plan and "
        "review support</li></ul>",
        "audience": Audience.SPECIALISTS,
        "audience_detail": "Practitioners who assess families: social workers, health visitors, family support.",
        "eligibility": "I undertake assessments of children and families as part of my job.",
        "level": Level.ADVANCED,
        "length": Length.FULL_DAY,
        "topics": ["Neglect"],
        "times": ((9, 30), (16, 0)),
        "capacity": 12,
        "months": [6, 10, 1],
        "non_attendance_charge": Decimal("60.00"),
    },
    {
        "slug": "online-safety-for-practitioners",
        "title": "Online Safety for Practitioners",
        "summary": "Sexting, sextortion, online grooming and harmful content: what children tell us about their "
        "lives online and how to respond.",
        "aims": "<p>To bring practitioners' knowledge of children's online lives up to date.</p>",
        "outcomes": "<ul><li>Respond to a report of nude image sharing</li><li>Know the reporting routes for "
        "online harm</li></ul>",
        "audience": Audience.EVERYONE,
        "audience_detail": "",
        "level": Level.FOUNDATION,
        "length": Length.HOURS,
        "length_hours": Decimal("2"),
        "delivery": Delivery.ONLINE,
        "topics": ["Online safety"],
        "times": ((10, 0), (12, 0)),
        "capacity": 40,
        "months": [5, 9, 12, 3],
    },
    {
        "slug": "prevent-and-radicalisation-awareness",
        "title": "Prevent and Radicalisation Awareness",
        "summary": "How people are drawn into extremism, what the Prevent duty asks of you, and when to make a "
        "Prevent referral.",
        "aims": "<p>To help practitioners meet the Prevent duty with confidence.</p>",
        "outcomes": "<ul><li>Recognise vulnerability to radicalisation</li><li>Know the Channel panel "
        "process</li></ul>",
        "audience": Audience.EVERYONE,
        "audience_detail": "",
        "level": Level.FOUNDATION,
        "length": Length.HOURS,
        "length_hours": Decimal("1.5"),
        "delivery": Delivery.ONLINE,
        "topics": ["Prevent"],
        "times": ((14, 0), (15, 30)),
        "capacity": 50,
        "months": [7, 11, 2],
    },
    {
        "slug": "designated-safeguarding-lead-refresher",
        "title": "Designated Safeguarding Lead Refresher",
        "summary": "The two-yearly update for designated safeguarding leads in schools and colleges: changes to "
        "statutory guidance, recording and learning from local cases.",
        "aims": "<p>To keep designated safeguarding leads' knowledge current.</p>",
        "outcomes": "<ul><li>Apply the latest statutory guidance for schools</li><li>Review your school's "
        "safeguarding records against good practice</li></ul>",
        "audience": Audience.SAFEGUARDING_LEADS,
        "audience_detail": "Designated safeguarding leads and deputies in schools, colleges and early years.",
        "eligibility": "I am a designated safeguarding lead or deputy.",
        "level": Level.ADVANCED,
        "length": Length.FULL_DAY,
        "topics": ["Schools", "Child protection"],
        "times": ((9, 0), (15, 30)),
        "capacity": 24,
        "per_organisation": 2,
        "requires_manager_approval": True,
        "fee": Decimal("75.00"),
        "non_attendance_charge": Decimal("75.00"),
        "months": [9, 1],
    },
    {
        "slug": "signs-of-safety-practice-skills",
        "title": "Signs of Safety: Practice Skills over Two Days",
        "summary": "Two days a week apart: mapping what we are worried about, what is working well and what needs "
        "to happen, then bringing a real case back to the second day.",
        "aims": "<p>To build practitioners' skill in using the Signs of Safety framework with families.</p>",
        "outcomes": "<ul><li>Map a case with a family using the three questions</li><li>Write danger statements "
        "and safety goals in words a family understands</li><li>Use the week between the days to try the tools "
        "on a case of your own</li></ul>",
        "audience": Audience.SPECIALISTS,
        "audience_detail": "Social workers, family support workers and early help practitioners.",
        "level": Level.INTERMEDIATE,
        "length": Length.FULL_DAY,
        "topics": ["Child protection", "Early help"],
        "times": ((9, 30), (16, 0)),
        "weeks": 2,
        "capacity": 16,
        "months": [5, 11, 2],
    },
    {
        "slug": "learning-from-case-reviews",
        "title": "Learning from Local Child Safeguarding Practice Reviews",
        "summary": "What our recent reviews found, what has changed since, and what it means for your practice. "
        "Run as a morning and an afternoon session with the same content.",
        "aims": "<p>To share the learning from local reviews across every agency.</p>",
        "outcomes": "<ul><li>Describe the key findings of the last two local reviews</li><li>Identify one change "
        "to make in your own practice</li></ul>",
        "audience": Audience.MANAGERS,
        "audience_detail": "Managers and supervisors in every agency.",
        "level": Level.ADVANCED,
        "length": Length.HALF_DAY,
        "topics": ["Case reviews"],
        "times": ((9, 30), (12, 30)),
        "afternoon": ((13, 30), (16, 30)),
        "capacity": 30,
        "months": [10, 12, 3],
    },
]

# How full each session is, by its place in the year, as (share of places taken, people waiting).
FILL_PATTERNS = [(1.0, 3), (0.9, 0), (0.5, 0), (0.07, 0), (1.0, 1), (0.75, 0)]


def _upsert(model, lookup: dict, values: dict):
    """update_or_create that saves only when something differs, so a second run writes no history."""
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        return model.objects.create(**lookup, **values)
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    if changed:
        for name in changed:
            setattr(obj, name, values[name])
        obj.save(update_fields=changed)
    return obj


def _venues() -> dict[tuple, Venue]:
    """The demo's venues and its online room, typed once: sessions choose them."""
    return {
        venue: _upsert(
            Venue,
            {"name": venue[0]},
            {
                "is_online": venue is ONLINE,
                "address": venue[1],
                "postcode": venue[2],
                "access_notes": venue[3],
                # A standing Teams room: its link is the same for every session held in it.
                "joining_url": "https://teams.example.org/northbrook-training" if venue is ONLINE else "",
            },
        )
        for venue in [*VENUES, ONLINE]
    }


def _trainers() -> list[Trainer]:
    return [_upsert(Trainer, {"name": name}, {"agency": agency, "email": email}) for name, agency, email in TRAINERS]


def _chosen(venue: Venue, trainers: list[Trainer]) -> dict:
    """A session's venue, with the details it shows copied from it and its trainers (as the admin does)."""
    from .services import trainer_names

    return {
        "venue": venue,
        "venue_name": venue.name,
        "venue_address": venue.address,
        "venue_postcode": venue.postcode,
        "access_notes": venue.access_notes,
        "trainers": trainer_names(trainers),
    }


def _financial_year_start(today: datetime.date) -> datetime.date:
    return datetime.date(today.year if today.month >= 4 else today.year - 1, 4, 1)


def _session_day(year_start: datetime.date, month: int, course_index: int) -> datetime.date:
    year = year_start.year if month >= 4 else year_start.year + 1
    day = datetime.date(year, month, 6 + course_index * 2)
    while day.weekday() not in (1, 2, 3) or not is_working_day(day):  # Tuesday to Thursday
        day += datetime.timedelta(days=1)
    return day


def _at(day: datetime.date, time: tuple[int, int]) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(*time)))


def _parts(day: datetime.date, times, weeks: int):
    """A session's dates: ``weeks`` parts at the same times, a week apart."""
    from .services import PartDates

    days = [day + datetime.timedelta(weeks=n) for n in range(weeks)]
    return [PartDates(starts_at=_at(each, times[0]), ends_at=_at(each, times[1])) for each in days]


def _dated(session: Session, parts) -> None:
    from . import services

    if [(part.starts_at, part.ends_at) for part in session.parts.all()] != [(p.starts_at, p.ends_at) for p in parts]:
        services.session_parts_set(session=session, parts=parts)


def _marks(booking: Booking, status: str) -> None:
    """The register's marks behind an attendance status: a partly attended delegate came on the first date only."""
    for number, part in enumerate(booking.session.parts.all()):
        attended = status == BookingStatus.ATTENDED or (status == BookingStatus.PARTLY_ATTENDED and number == 0)
        _upsert(PartAttendance, {"booking": booking, "part": part}, {"attended": attended, "marked_at": part.ends_at})


def _organisations() -> list[Organisation]:
    organisations = []
    for name, sector in ORGANISATIONS:
        organisation, _ = Organisation.objects.get_or_create(name=name, defaults={"sector": sector, "verified": True})
        organisations.append(organisation)
    return organisations


def _person(n: int) -> tuple[str, str]:
    first = FIRST_NAMES[n % len(FIRST_NAMES)]
    last = LAST_NAMES[(n * 7) % len(LAST_NAMES)]
    return first, last


def _book(session: Session, n: int, status: str, organisations: list[Organisation], now) -> Booking:
    first, last = _person(n)
    # In UTC, so that the arithmetic is the same whether the session was just created or read back.
    booked_at = session.starts_at.astimezone(datetime.UTC) - datetime.timedelta(days=30 - n % 20)
    organisation = organisations[(n * 3 + session.pk) % len(organisations)]
    domain = slugify(organisation.name)[:30] + ".example.org"
    values = {
        "session": session,
        "sequence": session.pk * 1000 + n,
        "attendee_name": f"{first} {last}",
        "email": f"{slugify(first)}.{slugify(last)}{n}@{domain}",
        "phone": f"01632 96{n % 10}{(n * 3) % 10}{(n * 7) % 10}{n % 7}",
        "organisation": organisation,
        "role": ROLES.get(organisation.sector, "Practitioner"),
        "manager_name": "Jo Whitfield" if session.course.requires_manager_approval else "",
        "manager_email": f"jo.whitfield@{domain}" if session.course.requires_manager_approval else "",
        "status": status,
        "eligibility_confirmed": bool(session.course.eligibility),
        "created_at": booked_at,
        "confirmed_at": booked_at
        if status
        in (
            BookingStatus.CONFIRMED,
            BookingStatus.ATTENDED,
            BookingStatus.PARTLY_ATTENDED,
            BookingStatus.DID_NOT_ATTEND,
        )
        else None,
    }
    if session.status == SessionStatus.CANCELLED:
        values.update(
            status=BookingStatus.CANCELLED,
            cancel_reason=EndReason.SESSION_CANCELLED,
            cancelled_at=_cancelled_at(session),
            confirmed_at=None,
        )
    return _upsert(Booking, {"reference": f"TR-D{session.pk:03d}{n:02d}"}, values)


def _fill(session: Session, pattern: tuple[float, int], organisations, now) -> int:
    share, waiting = pattern
    past = session.starts_at <= now
    limit = session.places_per_organisation
    taken = max(1, round(session.capacity * share)) if share else 0
    if limit:
        # Keep within the per-organisation cap: at most ``limit`` places for each organisation.
        taken = min(taken, limit * len(organisations))
    count = 0
    several_dates = len(session.parts.all()) > 1
    for n in range(taken):
        if past:
            status = BookingStatus.DID_NOT_ATTEND if n % 11 == 5 else BookingStatus.ATTENDED
            if several_dates and n % 11 == 7:
                status = BookingStatus.PARTLY_ATTENDED
        else:
            status = BookingStatus.CONFIRMED
        booking = _book(session, n, status, organisations, now)
        if booking.status in (BookingStatus.ATTENDED, BookingStatus.PARTLY_ATTENDED, BookingStatus.DID_NOT_ATTEND):
            _marks(booking, booking.status)
        count += 1
    if not past and taken >= session.capacity:
        for n in range(taken, taken + waiting):
            _book(session, n, BookingStatus.WAITING, organisations, now)
            count += 1
    return count


def load() -> str:
    now = timezone.now()
    year_start = _financial_year_start(timezone.localdate(now))
    organisations = _organisations()
    sessions = bookings = 0
    cancelled = _session_to_cancel(year_start)
    venues, all_trainers = _venues(), _trainers()
    for index, spec in enumerate(COURSES):
        course = _upsert(
            Course,
            {"slug": spec["slug"]},
            {
                "title": spec["title"],
                "summary": spec["summary"],
                "aims": spec["aims"],
                "learning_outcomes": spec["outcomes"],
                "audience": spec["audience"],
                "audience_detail": spec["audience_detail"],
                "eligibility": spec.get("eligibility", ""),
                "level": spec["level"],
                "length": spec["length"],
                "length_hours": spec.get("length_hours"),
                "delivery": spec.get("delivery", Delivery.IN_PERSON),
                "fee": spec.get("fee", Decimal("0")),
                "non_attendance_charge": spec.get("non_attendance_charge", Decimal("0")),
                "charge_basis": ChargeBasis.FIXED if spec.get("non_attendance_charge") else ChargeBasis.LENGTH,
                "non_partner_charge": spec.get("non_attendance_charge", Decimal("0")) * Decimal("1.5"),
                "requires_manager_approval": spec.get("requires_manager_approval", False),
                "is_published": True,
            },
        )
        course.topics.set(spec["topics"])
        runs = [spec["times"]] + ([spec["afternoon"]] if "afternoon" in spec else [])
        for run_index, month in enumerate(spec["months"]):
            day = _session_day(year_start, month, index)
            venue = ONLINE if spec.get("delivery") == Delivery.ONLINE else VENUES[(index + run_index) % len(VENUES)]
            trainers = [all_trainers[(index + k) % len(all_trainers)] for k in range(2)]
            for times in runs:
                parts = _parts(day, times, spec.get("weeks", 1))
                session = _upsert(
                    Session,
                    {"course": course, "starts_at": parts[0].starts_at},
                    {
                        "ends_at": parts[-1].ends_at,
                        **_chosen(venues[venue], trainers),
                        "joining_url": venues[venue].joining_url,
                        "capacity": spec["capacity"],
                        "places_per_organisation": spec.get("per_organisation"),
                        **(
                            {"status": SessionStatus.CANCELLED, "cancelled_reason": CANCELLED_REASON}
                            if (course.slug, _at(day, times[0])) == cancelled
                            else {}
                        ),
                    },
                )
                session.trainer_records.set(trainers)
                _dated(session, parts)
                sessions += 1
                pattern = FILL_PATTERNS[(index + run_index + sessions) % len(FILL_PATTERNS)]
                bookings += _fill(session, pattern, organisations, now)
    last_year_sessions, last_year_bookings = _previous_year(year_start, organisations, now, venues, all_trainers)
    _needs(now)
    charges, evaluations = _after_sessions(now)
    return (
        f"{len(COURSES)} courses, {sessions + last_year_sessions} sessions over two programme years, "
        f"{bookings + last_year_bookings} bookings, {charges} charges, {evaluations} evaluations"
    )


# The previous programme year ran fewer sessions, less full: the board's report compares the two.
PREVIOUS_YEAR_PATTERNS = [(0.8, 0), (0.6, 0), (0.9, 0), (0.5, 0)]
NON_PARTNERS = ["Little Acorns Day Nursery"]
WAIVER_REASONS = [
    "Illness on the day, confirmed by the delegate's manager.",
    "Severe weather closed the roads to the venue.",
    "Called to an urgent child protection visit.",
]
PRACTICE_CHANGES = [
    "I will ask to see the child's bedroom on home visits and record what I see.",
    "I will speak to our designated safeguarding lead the same day rather than waiting for supervision.",
    "I will use the neglect screening tool with families before the case review.",
    "I will check the chronology for patterns before every core group meeting.",
    "I will explain to parents why I am sharing information, and record their views.",
    "I will ask young people directly about who they spend time with online and offline.",
]


def _previous_year(year_start: datetime.date, organisations, now, venues, all_trainers) -> tuple[int, int]:
    last_year = year_start.replace(year=year_start.year - 1)
    sessions = bookings = 0
    for index, spec in enumerate(COURSES):
        course = Course.objects.get(slug=spec["slug"])
        for run_index, month in enumerate(spec["months"][:1]):
            day = _session_day(last_year, month, index)
            times = spec["times"]
            venue = ONLINE if spec.get("delivery") == Delivery.ONLINE else VENUES[(index + run_index) % len(VENUES)]
            parts = _parts(day, times, spec.get("weeks", 1))
            trainers = [all_trainers[(index + k) % len(all_trainers)] for k in range(2)]
            session = _upsert(
                Session,
                {"course": course, "starts_at": parts[0].starts_at},
                {
                    "ends_at": parts[-1].ends_at,
                    **_chosen(venues[venue], trainers),
                    "capacity": spec["capacity"],
                    "places_per_organisation": spec.get("per_organisation"),
                },
            )
            session.trainer_records.set(trainers)
            _dated(session, parts)
            sessions += 1
            pattern = PREVIOUS_YEAR_PATTERNS[index % len(PREVIOUS_YEAR_PATTERNS)]
            bookings += _fill(session, pattern, organisations, now)
    return sessions, bookings


def _after_sessions(now) -> tuple[int, int]:
    """Charges for places not used, and evaluations from most attendees four weeks or more after."""
    from . import services

    Organisation.objects.filter(name__in=NON_PARTNERS, is_partner=True).update(is_partner=False)
    charges = evaluations = 0
    absent = Booking.objects.filter(status=BookingStatus.DID_NOT_ATTEND).select_related(
        "session__course", "organisation"
    )
    for n, booking in enumerate(absent.order_by("reference")):
        amount, partner = services.charge_due(booking=booking)
        if amount <= 0:
            continue
        raised_at = booking.session.ends_at.astimezone(datetime.UTC) + datetime.timedelta(days=1)
        waived = n % 4 == 1
        _upsert(
            Charge,
            {"booking": booking},
            {
                "organisation": booking.organisation,
                "reason": ChargeReason.DID_NOT_ATTEND,
                "partner_rate": partner,
                "amount": amount,
                "raised_at": raised_at,
                "waived_at": raised_at + datetime.timedelta(days=3) if waived else None,
                "waived_reason": WAIVER_REASONS[n % len(WAIVER_REASONS)] if waived else "",
            },
        )
        charges += 1
    attended = Booking.objects.filter(
        status=BookingStatus.ATTENDED, session__ends_at__lte=now - datetime.timedelta(days=28)
    ).select_related("session")
    for n, booking in enumerate(attended.order_by("reference")):
        sent_at = booking.session.ends_at.astimezone(datetime.UTC) + datetime.timedelta(days=28)
        if booking.evaluation_sent_at != sent_at:
            Booking.objects.filter(pk=booking.pk).update(evaluation_sent_at=sent_at)
        if n % 5 == 3:  # not everyone has done it yet
            continue
        before = 1 + n % 3
        _upsert(
            Evaluation,
            {"booking": booking},
            {
                "knowledge_before": before,
                "knowledge_after": min(5, before + 1 + n % 3),
                "confidence_before": 1 + (n + 1) % 3,
                "confidence_after": min(5, 3 + n % 3),
                "practice_change": PRACTICE_CHANGES[n % len(PRACTICE_CHANGES)],
                "submitted_at": sent_at + datetime.timedelta(days=1 + n % 9),
            },
        )
        evaluations += 1
    return charges, evaluations


CANCELLED_REASON = "The trainer is unavailable. The course runs again later in the year."


def _session_to_cancel(year_start: datetime.date) -> tuple[str, datetime.datetime]:
    """The board cancelled the February run of the domestic abuse course."""
    index = next(i for i, spec in enumerate(COURSES) if spec["slug"] == "domestic-abuse-impact-on-children")
    spec = COURSES[index]
    return spec["slug"], _at(_session_day(year_start, 2, index), spec["times"][0])


def _cancelled_at(session: Session) -> datetime.datetime:
    return session.starts_at.astimezone(datetime.UTC) - datetime.timedelta(days=10)


def _needs(now) -> None:
    future = Booking.objects.filter(status=BookingStatus.CONFIRMED, session__starts_at__gt=now).order_by("reference")
    for n, booking in enumerate(future[:4]):
        _upsert(
            BookingNeeds,
            {"booking": booking},
            {
                "access_needs": ["Step-free access, please", "", "A seat near the front: I lip-read", ""][n],
                "dietary_needs": ["", "Vegetarian", "", "Gluten free"][n],
            },
        )
