"""The board's yearly training report: each figure for a programme year (April to March) beside the year before.

Every figure is a database aggregate, so the report costs the same few queries whatever the number of
sessions and bookings (six a year).
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Avg, Count, Q, Sum
from django.utils import timezone

from lscb_portal.core.models import Sector
from lscb_portal.core.spreadsheets import csv_text

from .models import Booking, BookingStatus, Charge, Evaluation, Session, SessionStatus

ORGANISATIONS_SHOWN = 15


def programme_year_of(day: datetime.date) -> int:
    """The programme year a date falls in, named by the year it starts (April)."""
    return day.year if day.month >= 4 else day.year - 1


def year_label(year: int) -> str:
    return f"{year}-{(year + 1) % 100:02d}"


def year_bounds(year: int) -> tuple[datetime.datetime, datetime.datetime]:
    start = timezone.make_aware(datetime.datetime(year, 4, 1))
    end = timezone.make_aware(datetime.datetime(year + 1, 4, 1))
    return start, end


@dataclass(frozen=True)
class Figure:
    label: str
    this_year: int | float | Decimal | None
    year_before: int | float | Decimal | None
    kind: str = "count"  # count, percent, money, score

    def shown(self, value) -> str:
        if value is None:
            return "None"
        if self.kind == "percent":
            return f"{value:.1f}%"
        if self.kind == "money":
            return f"£{value:,.2f}"
        if self.kind == "score":
            return f"{value:.1f}"
        return f"{value:,}"

    @property
    def this_year_shown(self) -> str:
        return self.shown(self.this_year)

    @property
    def year_before_shown(self) -> str:
        return self.shown(self.year_before)

    @property
    def change(self) -> str:
        if self.this_year is None or self.year_before is None:
            return ""
        difference = self.this_year - self.year_before
        if not difference:
            return "No change"
        if self.kind == "percent":
            return f"{difference:+.1f} points"
        return ("Up " if difference > 0 else "Down ") + self.shown(abs(difference))


@dataclass(frozen=True)
class Bar:
    label: str
    this_year: int
    year_before: int
    y: int = 0
    this_width: int = 0
    before_width: int = 0


@dataclass
class Chart:
    title: str
    slug: str
    unit: str
    bars: list[Bar] = field(default_factory=list)

    ROW = 44
    BAR_SPACE = 330

    @property
    def height(self) -> int:
        return max(len(self.bars), 1) * self.ROW + 10

    def laid_out(self) -> "Chart":
        top = max([1] + [bar.this_year for bar in self.bars] + [bar.year_before for bar in self.bars])
        self.bars = [
            Bar(
                label=bar.label,
                this_year=bar.this_year,
                year_before=bar.year_before,
                y=index * self.ROW + 4,
                this_width=round(bar.this_year * self.BAR_SPACE / top),
                before_width=round(bar.year_before * self.BAR_SPACE / top),
            )
            for index, bar in enumerate(self.bars)
        ]
        return self


@dataclass
class BoardReport:
    year: int
    label: str
    before_label: str
    headline: list[Figure]
    evaluation: list[Figure]
    charges: list[Figure]
    by_sector: Chart
    by_organisation: Chart
    summary: Chart


def _percent(part: int, whole: int) -> float | None:
    return round(part * 100 / whole, 1) if whole else None


def _year_figures(year: int) -> dict:
    start, end = year_bounds(year)
    now = timezone.now()
    delivered = Session.objects.filter(
        status=SessionStatus.SCHEDULED, starts_at__gte=start, starts_at__lt=min(end, now)
    )
    sessions = delivered.aggregate(count=Count("pk"), places=Sum("capacity"))
    on_delivered = Booking.objects.filter(session__in=delivered)
    bookings = on_delivered.aggregate(
        booked=Count(
            "pk",
            filter=Q(
                status__in=[
                    BookingStatus.CONFIRMED,
                    BookingStatus.ATTENDED,
                    BookingStatus.PARTLY_ATTENDED,
                    BookingStatus.DID_NOT_ATTEND,
                ]
            ),
        ),
        attended=Count("pk", filter=Q(status=BookingStatus.ATTENDED)),
        absent=Count("pk", filter=Q(status=BookingStatus.DID_NOT_ATTEND)),
        late=Count("pk", filter=Q(status=BookingStatus.CANCELLED, late_cancellation=True)),
    )
    attended = on_delivered.filter(status=BookingStatus.ATTENDED)
    by_sector = dict(
        attended.values_list("organisation__sector").annotate(n=Count("pk")).values_list("organisation__sector", "n")
    )
    by_organisation = dict(
        attended.values_list("organisation__name").annotate(n=Count("pk")).values_list("organisation__name", "n")
    )
    evaluations = Evaluation.objects.filter(booking__session__in=delivered).aggregate(
        count=Count("pk"),
        knowledge_before=Avg("knowledge_before"),
        knowledge_after=Avg("knowledge_after"),
        confidence_before=Avg("confidence_before"),
        confidence_after=Avg("confidence_after"),
    )
    charges = Charge.objects.filter(raised_at__gte=start, raised_at__lt=end).aggregate(
        raised=Count("pk"),
        raised_amount=Sum("amount"),
        waived=Count("pk", filter=Q(waived_at__isnull=False)),
        waived_amount=Sum("amount", filter=Q(waived_at__isnull=False)),
    )
    return {
        "sessions": sessions["count"],
        "places": sessions["places"] or 0,
        **bookings,
        "by_sector": by_sector,
        "by_organisation": by_organisation,
        "evaluations": evaluations,
        "charges": charges,
    }


def _score(value) -> float | None:
    return round(float(value), 1) if value is not None else None


def board_report(*, year: int) -> BoardReport:
    now, before = _year_figures(year), _year_figures(year - 1)

    def pair(key):
        return now[key], before[key]

    marked_now, marked_before = now["attended"] + now["absent"], before["attended"] + before["absent"]
    headline = [
        Figure("Sessions delivered", *pair("sessions")),
        Figure("Places offered", *pair("places")),
        Figure("Places booked", *pair("booked")),
        Figure("Delegates who attended", *pair("attended")),
        Figure("Delegates who did not attend", *pair("absent")),
        Figure("Late cancellations", *pair("late")),
        Figure(
            "Attendance rate",
            _percent(now["attended"], marked_now),
            _percent(before["attended"], marked_before),
            "percent",
        ),
        Figure(
            "Did-not-attend rate",
            _percent(now["absent"], marked_now),
            _percent(before["absent"], marked_before),
            "percent",
        ),
        Figure(
            "Places filled",
            _percent(now["booked"], now["places"]),
            _percent(before["booked"], before["places"]),
            "percent",
        ),
    ]
    ev_now, ev_before = now["evaluations"], before["evaluations"]
    evaluation = [Figure("Evaluations completed", ev_now["count"], ev_before["count"])] + [
        Figure(label, _score(ev_now[key]), _score(ev_before[key]), "score")
        for key, label in [
            ("knowledge_before", "Knowledge before the course (1 to 5)"),
            ("knowledge_after", "Knowledge after the course (1 to 5)"),
            ("confidence_before", "Confidence before the course (1 to 5)"),
            ("confidence_after", "Confidence after the course (1 to 5)"),
        ]
    ]
    ch_now, ch_before = now["charges"], before["charges"]
    charges = [
        Figure("Charges raised", ch_now["raised"], ch_before["raised"]),
        Figure(
            "Amount raised",
            ch_now["raised_amount"] or Decimal("0"),
            ch_before["raised_amount"] or Decimal("0"),
            "money",
        ),
        Figure("Charges waived", ch_now["waived"], ch_before["waived"]),
        Figure(
            "Amount waived",
            ch_now["waived_amount"] or Decimal("0"),
            ch_before["waived_amount"] or Decimal("0"),
            "money",
        ),
    ]
    sectors = Chart(
        "Delegates who attended, by sector",
        "sector",
        "delegates",
        [
            Bar(label, now["by_sector"].get(value, 0), before["by_sector"].get(value, 0))
            for value, label in Sector.choices
        ],
    ).laid_out()
    names = sorted(
        set(now["by_organisation"]) | set(before["by_organisation"]),
        key=lambda name: (-now["by_organisation"].get(name, 0), -before["by_organisation"].get(name, 0), name),
    )[:ORGANISATIONS_SHOWN]
    organisations = Chart(
        f"Delegates who attended, by organisation (the {ORGANISATIONS_SHOWN} that sent most)",
        "organisation",
        "delegates",
        [Bar(name, now["by_organisation"].get(name, 0), before["by_organisation"].get(name, 0)) for name in names],
    ).laid_out()
    summary = Chart(
        "Sessions, places and attendance",
        "summary",
        "",
        [Bar(figure.label, figure.this_year, figure.year_before) for figure in headline[:6]],
    ).laid_out()
    return BoardReport(
        year=year,
        label=year_label(year),
        before_label=year_label(year - 1),
        headline=headline,
        evaluation=evaluation,
        charges=charges,
        by_sector=sectors,
        by_organisation=organisations,
        summary=summary,
    )


def report_csv(report: BoardReport) -> str:
    """The report as CSV; organisation names are the bookers' own words, so every cell is formula-safe."""
    rows = []
    for section, figures in [
        ("Sessions and attendance", report.headline),
        ("Evaluations", report.evaluation),
        ("Charges", report.charges),
    ]:
        rows += [[section, figure.label, figure.this_year_shown, figure.year_before_shown] for figure in figures]
    for chart, section in [
        (report.by_sector, "Attended by sector"),
        (report.by_organisation, "Attended by organisation"),
    ]:
        rows += [[section, bar.label, bar.this_year, bar.year_before] for bar in chart.bars]
    return csv_text(["Section", "Measure", report.label, report.before_label], rows)
