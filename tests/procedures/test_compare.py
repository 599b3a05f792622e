"""A chapter's "what changed" page marks what each version added and removed."""

import pytest
from django.urls import reverse

from .factories import publish_change, publish_new_chapter

pytestmark = pytest.mark.django_db


def test_changes_page_highlights_the_last_amendment(client):
    chapter = publish_new_chapter(title="Neglect", slug="neglect", body="<p>Visit within five working days.</p>")
    publish_change(chapter, body="<p>Visit within three working days.</p>", details="Timescale shortened.")
    response = client.get(reverse("procedures:changes", args=["neglect"]))
    html = response.content.decode()
    assert response.status_code == 200
    assert '<del class="lscb-diff-del">five</del>' in html
    assert '<ins class="lscb-diff-ins">three</ins>' in html
    assert "Timescale shortened." in html
    assert "What changed in version 2" in html


def test_changes_page_compares_chosen_versions_and_answers_bad_input(client):
    chapter = publish_new_chapter(title="Neglect", slug="neglect", body="<p>One.</p>")
    publish_change(chapter, body="<p>Two.</p>")
    publish_change(chapter, body="<p>Three.</p>")
    html = client.get(reverse("procedures:changes", args=["neglect"]), {"from": "1"}).content.decode()
    assert '<del class="lscb-diff-del">One.</del>' in html
    assert '<ins class="lscb-diff-ins">Three.</ins>' in html
    for params in ({"to": "99"}, {"to": "abc"}, {"from": "3"}, {"from": "-1"}):
        response = client.get(reverse("procedures:changes", args=["neglect"]), params)
        assert response.status_code == 200
        assert "There is a problem" in response.content.decode()


def test_first_version_has_nothing_to_compare(client):
    publish_new_chapter(title="Neglect", slug="neglect")
    html = client.get(reverse("procedures:changes", args=["neglect"])).content.decode()
    assert "This is the first published version of the chapter" in html
