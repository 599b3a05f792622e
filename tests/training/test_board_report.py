import csv
import datetime
import io
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from lscb_portal.core.models import Sector
from lscb_portal.core.roles import TRAINING_ADMINISTRATORS
from tests.core.factories import StaffUserFactory
from training import report
from training.models import BookingStatus, Charge, Evaluation, SessionStatus

from .factories import BookingFactory, OrganisationFactory, SessionFactory

pytestmark = pytest.mark.django_db

ATTENDED, ABSENT = BookingStatus.ATTENDED, BookingStatus.DID_NOT_ATTEND


def _at(*args) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(*args))


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(_at(2027, 5, 1, 12), tick=False):
        yield


def _evaluate(booking, kb, ka, cb, ca):
    Evaluation.objects.create(
        booking=booking,
        knowledge_before=kb,
        knowledge_after=ka,
        confidence_before=cb,
        confidence_after=ca,
        practice_change="Something useful.",
    )


def _charge(booking, amount, raised_at, *, waived=False):
    Charge.objects.create(
        booking=booking,
        organisation=booking.organisation,
        reason="did_not_attend",
        partner_rate=True,
        amount=Decimal(amount),
        raised_at=raised_at,
        waived_at=raised_at if waived else None,
        waived_reason="Illness" if waived else "",
    )


@pytest.fixture
def dataset():
    school = OrganisationFactory(name="Riverside Primary School", sector=Sector.EDUCATION)
    hospital = OrganisationFactory(name="City Hospital", sector=Sector.HEALTH)
    police = OrganisationFactory(name="County Police", sector=Sector.POLICE)

    # 2025-26: one session delivered, one cancelled.
    a = SessionFactory(starts_at=_at(2025, 6, 10, 9, 30), capacity=10)
    SessionFactory(starts_at=_at(2025, 7, 1, 9, 30), capacity=30, status=SessionStatus.CANCELLED)
    a1 = BookingFactory(session=a, organisation=school, status=ATTENDED)
    BookingFactory(session=a, organisation=school, status=ATTENDED)
    BookingFactory(session=a, organisation=hospital, status=ATTENDED)
    a_absent = BookingFactory(session=a, organisation=school, status=ABSENT)
    BookingFactory(session=a, organisation=school, status=BookingStatus.CANCELLED, late_cancellation=True)
    _evaluate(a1, 2, 4, 2, 4)
    _charge(a_absent, "50", _at(2025, 6, 11))

    # 2026-27: two sessions (the second in February, still this programme year).
    b = SessionFactory(starts_at=_at(2026, 5, 5, 9, 30), capacity=12)
    c = SessionFactory(starts_at=_at(2027, 2, 10, 13, 0), capacity=8)
    b1 = BookingFactory(session=b, organisation=school, status=ATTENDED)
    BookingFactory(session=b, organisation=police, status=ATTENDED)
    BookingFactory(session=b, organisation=police, status=ATTENDED)
    b4 = BookingFactory(session=b, organisation=hospital, status=ATTENDED)
    b_absent = BookingFactory(session=b, organisation=police, status=ABSENT)
    BookingFactory(session=c, organisation=school, status=ATTENDED)
    BookingFactory(session=c, organisation=school, status=ATTENDED)
    c_absent1 = BookingFactory(session=c, organisation=school, status=ABSENT)
    c_absent2 = BookingFactory(session=c, organisation=school, status=ABSENT)
    BookingFactory(session=c, organisation=school, status=BookingStatus.WAITING)
    _evaluate(b1, 1, 3, 2, 4)
    _evaluate(b4, 3, 5, 2, 5)
    _charge(b_absent, "50", _at(2026, 5, 6))
    _charge(c_absent1, "50", _at(2027, 2, 11), waived=True)
    _charge(c_absent2, "75", _at(2027, 2, 11))
    # A session in April 2027 belongs to the next programme year.
    SessionFactory(starts_at=_at(2027, 4, 20, 9, 30), capacity=50)


def _figures(figures):
    return {figure.label: (figure.this_year, figure.year_before) for figure in figures}


def test_every_figure_beside_the_year_before(dataset):
    result = report.board_report(year=2026)

    assert (result.label, result.before_label) == ("2026-27", "2025-26")
    assert _figures(result.headline) == {
        "Sessions delivered": (2, 1),
        "Places offered": (20, 10),
        "Places booked": (9, 4),
        "Delegates who attended": (6, 3),
        "Delegates who did not attend": (3, 1),
        "Late cancellations": (0, 1),
        "Attendance rate": (66.7, 75.0),
        "Did-not-attend rate": (33.3, 25.0),
        "Places filled": (45.0, 40.0),
    }
    assert _figures(result.evaluation) == {
        "Evaluations completed": (2, 1),
        "Knowledge before the course (1 to 5)": (2.0, 2.0),
        "Knowledge after the course (1 to 5)": (4.0, 4.0),
        "Confidence before the course (1 to 5)": (2.0, 2.0),
        "Confidence after the course (1 to 5)": (4.5, 4.0),
    }
    assert _figures(result.charges) == {
        "Charges raised": (3, 1),
        "Amount raised": (Decimal("175.00"), Decimal("50.00")),
        "Charges waived": (1, 0),
        "Amount waived": (Decimal("50.00"), Decimal("0")),
    }
    sectors = {bar.label: (bar.this_year, bar.year_before) for bar in result.by_sector.bars}
    assert sectors["Education"] == (3, 2)
    assert sectors["Police"] == (2, 0)
    assert sectors["Health"] == (1, 1)
    assert sectors["Probation"] == (0, 0)
    assert [(bar.label, bar.this_year, bar.year_before) for bar in result.by_organisation.bars] == [
        ("Riverside Primary School", 3, 2),
        ("County Police", 2, 0),
        ("City Hospital", 1, 1),
    ]


def test_the_change_column_reads_plainly(dataset):
    figures = {figure.label: figure for figure in report.board_report(year=2026).headline}

    assert figures["Sessions delivered"].change == "Up 1"
    assert figures["Late cancellations"].change == "Down 1"
    assert figures["Attendance rate"].change == "-8.3 points"
    assert figures["Attendance rate"].this_year_shown == "66.7%"


def test_an_empty_year_shows_none_rather_than_failing(dataset):
    result = report.board_report(year=2020)

    assert _figures(result.headline)["Attendance rate"] == (None, None)
    assert result.headline[6].this_year_shown == "None"


def test_programme_years_run_april_to_march():
    assert report.programme_year_of(datetime.date(2027, 3, 31)) == 2026
    assert report.programme_year_of(datetime.date(2027, 4, 1)) == 2027


@pytest.fixture
def administrator(client):
    user = StaffUserFactory(role=TRAINING_ADMINISTRATORS)
    client.force_login(user)
    return user


def test_the_report_page_has_charts_with_tables_and_a_fixed_query_budget(
    client, administrator, dataset, django_assert_max_num_queries
):
    with django_assert_max_num_queries(24):
        small = client.get("/admin/training/session/report/2026/")
    # Many more sessions, bookings and organisations cost no more queries.
    for n in range(25):
        session = SessionFactory(starts_at=_at(2026, 9, 1, 9, 30) + datetime.timedelta(days=n), capacity=30)
        organisation = OrganisationFactory(name=f"Academy {n}")
        for _ in range(20):
            BookingFactory(session=session, organisation=organisation, status=ATTENDED)
    with django_assert_max_num_queries(24):
        large = client.get("/admin/training/session/report/2026/")

    html = small.content.decode()
    assert small.status_code == 200
    assert large.status_code == 200
    assert "Training report 2026-27" in html
    assert html.count('role="img"') == 3
    assert html.count("lscb-report-table") == 6  # a table for each chart and for each group of figures
    assert '<th scope="row">Sessions delivered</th><td>2</td><td>1</td><td>Up 1</td>' in html
    assert "£175.00" in html


def test_the_report_downloads_as_csv(client, administrator, dataset):
    response = client.get("/admin/training/session/report/2026/report.csv")

    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["Section", "Measure", "2026-27", "2025-26"]
    assert ["Sessions and attendance", "Attendance rate", "66.7%", "75.0%"] in rows
    assert ["Charges", "Amount waived", "£50.00", "£0.00"] in rows
    assert ["Attended by organisation", "County Police", "2", "0"] in rows
