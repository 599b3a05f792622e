"""Section anchors stay stable across versions; sections are numbered for reading."""

import pytest

from procedures.anchors import add_heading_anchors, headings, number_headings

from .factories import publish_change, publish_new_chapter


def test_headings_get_anchors_from_their_words():
    html = add_heading_anchors(
        "<h2>Recognising neglect</h2><p>x</p><h3>12.2 Referrals</h3><h2>Recognising neglect</h2>"
    )
    assert [heading.anchor for heading in headings(html)] == [
        "recognising-neglect",
        "section-122-referrals",
        "recognising-neglect-2",
    ]


def test_existing_anchors_are_kept_even_when_the_words_change():
    html = add_heading_anchors('<h2>A new first section</h2><h2 id="signs">Signs of neglect (revised)</h2>')
    assert [heading.anchor for heading in headings(html)] == ["a-new-first-section", "signs"]


def test_a_heading_that_lost_its_id_takes_back_the_previous_version_s():
    previous = '<h2 id="what-to-do">What to do</h2>'
    assert 'id="what-to-do"' in add_heading_anchors("<h2>Introduction</h2><h2>What to do</h2>", previous=previous)


def test_sections_are_numbered():
    html = number_headings('<h2 id="a">A</h2><h3 id="b">B</h3><h3 id="c">C</h3><h2 id="d">D</h2><h3 id="e">E</h3>')
    numbers = [heading.number for heading in headings(html)]
    assert numbers == ["1", "1.1", "1.2", "2", "2.1"]
    assert '<h3 id="c"><span class="lscb-section-number">1.2</span> C</h3>' in html


@pytest.mark.django_db
def test_anchors_survive_a_new_version_that_inserts_a_section():
    chapter = publish_new_chapter(title="Neglect", slug="neglect", body="<h2>Signs</h2><p>x</p><h2>Actions</h2>")
    linked = {heading.text: heading.anchor for heading in headings(chapter.current_version.body)}
    publish_change(chapter, body="<h2>Introduction</h2><h2>Signs</h2><p>x</p><h2>Actions</h2>")
    now = {heading.text: heading.anchor for heading in headings(chapter.current_version.body)}
    assert now["Signs"] == linked["Signs"] == "signs"
    assert now["Actions"] == linked["Actions"]
