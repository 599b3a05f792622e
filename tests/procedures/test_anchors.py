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


@pytest.mark.parametrize("typed", ["1. Purpose", "1 Purpose", "3.2 Who to tell", "12.2. Referral", "1) Purpose"])
def test_a_number_typed_in_a_heading_is_not_numbered_again(typed):
    html = number_headings(f'<h2 id="a">{typed}</h2><p>Text</p>')
    assert 'class="lscb-section-number"' not in html
    assert f">{typed}</h2>" in html
    assert headings(html)[0].number_shown == ""


def test_headings_without_typed_numbers_are_still_numbered():
    html = number_headings('<h2 id="a">Purpose</h2><h2 id="b">1984 and after</h2>')
    assert '<span class="lscb-section-number">1</span> Purpose' in html
    assert '<span class="lscb-section-number">2</span> 1984 and after' in html


@pytest.mark.django_db
def test_the_chapter_page_and_its_contents_show_a_typed_number_once(client):
    publish_new_chapter(title="Neglect", slug="neglect", body="<h2>1. Purpose</h2><h2>2. Scope</h2><p>Text</p>")
    html = client.get("/procedures/neglect/").content.decode()
    assert "1. Purpose" in html
    assert "1</span> 1. Purpose" not in html
    assert ">1 1. Purpose" not in html
