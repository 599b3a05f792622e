"""Any chapter as it stood on a chosen date, for audits and case reviews."""

from datetime import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from procedures.models import AmendmentKind
from procedures.selectors import version_as_at

from .factories import publish_change, publish_new_chapter

pytestmark = pytest.mark.django_db

LONDON = timezone.get_default_timezone()


def at(*args):
    return datetime(*args, tzinfo=LONDON)


@pytest.fixture
def neglect():
    with time_machine.travel(at(2018, 3, 1, 9), tick=False):
        chapter = publish_new_chapter(title="Neglect", slug="neglect", body="<p>First text.</p>")
    with time_machine.travel(at(2018, 9, 3, 9), tick=False):
        publish_change(chapter, body="<p>Second text.</p>")
    with time_machine.travel(at(2019, 3, 4, 16, 30), tick=False):
        publish_change(
            chapter, kind=AmendmentKind.RENAMED, title="Child neglect", slug="child-neglect", body="<p>Third.</p>"
        )
    return chapter


def test_the_version_in_force_on_a_date(neglect):
    assert version_as_at(neglect, at(2018, 2, 28).date()) is None
    assert version_as_at(neglect, at(2018, 3, 1).date()).body == "<p>First text.</p>"
    assert version_as_at(neglect, at(2018, 9, 2).date()).body == "<p>First text.</p>"
    assert version_as_at(neglect, at(2018, 9, 3).date()).body == "<p>Second text.</p>"
    # Published at 4:30pm: in force by the end of that day.
    assert version_as_at(neglect, at(2019, 3, 4).date()).title == "Child neglect"


def test_as_at_page_shows_that_version(client, neglect):
    url = reverse("procedures:as_at", args=["child-neglect"])
    response = client.get(url, {"date_0": "1", "date_1": "6", "date_2": "2018"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "As it stood on 1 June 2018" in html
    assert "First text." in html
    assert "Second text." not in html
    assert "This is not the current version." in html
    assert "Neglect" in html  # the title then


def test_as_at_with_the_old_address_redirects_keeping_the_date(client, neglect):
    response = client.get("/procedures/neglect/as-at/", {"date_0": "1", "date_1": "6", "date_2": "2018"})
    assert response.status_code == 301
    assert response["Location"].startswith("/procedures/child-neglect/as-at/?date_0=1")


def test_before_the_first_version_says_so(client, neglect):
    html = client.get(
        reverse("procedures:as_at", args=["child-neglect"]), {"date_0": "1", "date_1": "1", "date_2": "2017"}
    ).content.decode()
    assert "This chapter had not been published on 1 January 2017" in html


@pytest.mark.parametrize(
    ("day", "month", "year", "message"),
    [
        ("31", "2", "2018", "Date must be a real date, for example 27 3 2018"),
        ("", "", "", "Enter the date you want to see the chapter as at"),
        ("1", "", "2018", "Enter the month"),
        ("x", "2", "2018", "Enter a valid date"),
        ("1", "2", "18", "Enter a year after 1900"),
        ("1", "2", "99999999", "Date must be a real date"),
    ],
)
def test_bad_dates_get_a_clear_message(client, neglect, day, month, year, message):
    response = client.get(
        reverse("procedures:as_at", args=["child-neglect"]), {"date_0": day, "date_1": month, "date_2": year}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html
    assert message in html
    assert "First text." not in html
    assert f'value="{year}"' in html if year else True
