"""The print view's footer and the code that tells a reader whether a printed copy is still current."""

from datetime import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from procedures.models import AmendmentKind
from procedures.printcodes import format_code

from .factories import publish_change, publish_new_chapter

pytestmark = pytest.mark.django_db

LONDON = timezone.get_default_timezone()


def test_print_view_footer_gives_time_validity_and_code(client):
    chapter = publish_new_chapter(title="Neglect", slug="neglect", body="<h2>Signs</h2><p>Missed appointments.</p>")
    code = format_code(chapter.current_version.print_code)
    with time_machine.travel(datetime(2018, 6, 12, 14, 5, tzinfo=LONDON), tick=False):
        response = client.get(reverse("procedures:print", args=["neglect"]))
    html = response.content.decode()
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    assert "Printed 12 June 2018 at 2:05pm." in html
    assert "valid for 72 hours only, until 15 June 2018 at 2:05pm" in html
    assert f'Code <strong class="lscb-print-code">{code}</strong>' in html
    assert f"http://127.0.0.1:8000/procedures/verify/{code}/" in html
    assert "Missed appointments." in html
    assert '<meta name="robots" content="noindex">' in html


def test_a_print_code_reads_current_then_superseded(client):
    chapter = publish_new_chapter(title="Neglect", slug="neglect", body="<p>First.</p>")
    code = format_code(chapter.current_version.print_code)
    url = reverse("procedures:verify", args=[code])

    current = client.get(url).content.decode()
    assert '<h1 class="govuk-panel__title">Current</h1>' in current
    assert "Superseded" not in current

    publish_change(chapter, details="Section 2 now covers cold homes.")

    superseded = client.get(url).content.decode()
    assert "Superseded: do not use this printed copy" in superseded
    assert "Section 2 now covers cold homes." in superseded
    assert 'href="/procedures/neglect/changes/?from=1"' in superseded
    # The new version has its own code, which is current.
    chapter.refresh_from_db()
    new_code = format_code(chapter.current_version.print_code)
    assert new_code != code
    assert 'govuk-panel__title">Current' in client.get(reverse("procedures:verify", args=[new_code])).content.decode()


def test_a_code_typed_in_lower_case_or_without_the_hyphen_still_works(client):
    chapter = publish_new_chapter(title="Neglect", slug="neglect")
    code = chapter.current_version.print_code
    assert client.get(reverse("procedures:verify", args=[code.lower()])).status_code == 200


def test_an_archived_chapter_s_code_is_superseded(client):
    chapter = publish_new_chapter(title="Neglect", slug="neglect")
    code = chapter.current_version.print_code
    publish_change(chapter, kind=AmendmentKind.ARCHIVED, status="archived", details="Withdrawn.")
    html = client.get(reverse("procedures:verify", args=[code])).content.decode()
    assert "Superseded" in html
    assert "This chapter has been withdrawn." in html


def test_an_unknown_code_gets_a_clear_page(client):
    response = client.get(reverse("procedures:verify", args=["ZZZZ-ZZZZ"]))
    assert response.status_code == 404
    assert "We do not recognise that code" in response.content.decode()


def test_the_code_form_checks_what_was_typed(client):
    chapter = publish_new_chapter(title="Neglect", slug="neglect")
    code = chapter.current_version.print_code
    response = client.get(reverse("procedures:verify_start"), {"code": f" {code[:4].lower()} {code[4:]} "})
    assert response.status_code == 302
    assert response["Location"] == reverse("procedures:verify", args=[format_code(code)])
    bad = client.get(reverse("procedures:verify_start"), {"code": "abc"}).content.decode()
    assert "Enter the 8 letters and numbers of the code" in bad
    assert 'value="abc"' in bad
