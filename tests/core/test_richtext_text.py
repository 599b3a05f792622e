"""The plain forms of rich text (search, email) and its heading anchors (links, tables of contents)."""

import pytest

from lscb_portal.core.richtext import Heading, add_heading_anchors, heading_text, headings, plain_text, sanitize


def test_plain_text_decodes_entities_and_keeps_words_whole():
    html = (
        "<h2>Drugs &amp; alcohol</h2><p>Safe<strong>guard</strong>ing&nbsp;children, <em>every</em> day.</p>"
        "<ul><li>One</li><li>Two</li></ul><p>5 &lt; 6 &gt; 4 &quot;quoted&quot; caf&eacute; &#8211; dash</p>"
    )

    assert (
        plain_text(html) == 'Drugs & alcohol Safeguarding children, every day. One Two 5 < 6 > 4 "quoted" café – dash'
    )


def test_plain_text_ignores_markup_that_is_not_words():
    html = (
        '<p title="a > b">Visible</p><!-- a comment --><script>var hidden = 1;</script>'
        "<style>p { color: red }</style><p>Also<br>visible</p>"
    )

    assert plain_text(html) == "Visible Also visible"


@pytest.mark.parametrize("empty", [None, "", "<p></p>", "<p> </p><br>"])
def test_plain_text_of_nothing_is_empty(empty):
    assert plain_text(empty) == ""


def test_heading_text_collects_only_headings_with_nested_tags():
    html = "<h2>Signs of <em>neglect</em></h2><p>Body words</p><h3>What &amp; when</h3><h4></h4><p>More</p>"

    assert heading_text(html) == "Signs of neglect What & when"
    assert heading_text("") == ""


def test_every_heading_gets_an_anchor_made_from_its_words():
    html = add_heading_anchors(
        "<h2>Signs of neglect</h2><p>x</p><h3>12.2 Referrals &amp; <em>help</em></h3><h4>Café culture</h4>"
    )

    assert '<h2 id="signs-of-neglect">Signs of neglect</h2>' in html
    assert '<h3 id="section-12-2-referrals-help">12.2 Referrals &amp; <em>help</em></h3>' in html
    assert '<h4 id="cafe-culture">Café culture</h4>' in html


def test_repeated_headings_get_numbered_anchors():
    html = add_heading_anchors("<h2>Actions</h2><h3>Actions</h3><h3>Actions</h3><h2>🙂</h2><h2>!!!</h2>")

    assert [heading.anchor for heading in headings(html)] == [
        "actions",
        "actions-2",
        "actions-3",
        "section",
        "section-2",
    ]


def test_an_existing_anchor_is_kept_when_other_headings_change():
    first = add_heading_anchors("<h2>Recognising neglect</h2><h2>Referral</h2>")
    # An editor renames the first heading and adds one above it with the same words as an old one.
    edited = first.replace(">Recognising neglect<", ">Recognising and responding to neglect<")
    edited = "<h2>Referral</h2>" + edited
    second = add_heading_anchors(edited)

    anchors = {heading.text: heading.anchor for heading in headings(second)}
    assert anchors["Recognising and responding to neglect"] == "recognising-neglect"
    # The heading that already had "referral" keeps it; the new one does not take it over.
    assert [heading.anchor for heading in headings(second)] == ["referral-2", "recognising-neglect", "referral"]


def test_duplicate_or_invalid_ids_are_replaced():
    html = add_heading_anchors('<h2 id="same">One</h2><h2 id="same">Two</h2><h3 id="Bad Id">Three</h3>')

    assert [heading.anchor for heading in headings(html)] == ["same", "two", "three"]


def test_anchors_never_take_the_layouts_own_ids():
    html = add_heading_anchors('<h2>Main content</h2><h2 id="main-content">Other</h2>')

    assert [heading.anchor for heading in headings(html)] == ["main-content-2", "other"]


def test_long_headings_give_anchors_in_the_allowed_format():
    html = add_heading_anchors(f"<h2>{'word ' * 60}</h2><h2>{'word ' * 60}</h2>")

    first, second = (heading.anchor for heading in headings(html))
    assert len(first) <= 81
    assert len(second) <= 81
    assert second == f"{first}-2"
    assert sanitize(html) == html  # the policy keeps every id it made


def test_adding_anchors_twice_changes_nothing():
    once = add_heading_anchors("<h2>A</h2><h3>B</h3><h2>A</h2>")

    assert add_heading_anchors(once) == once
    assert add_heading_anchors("") == ""
    assert add_heading_anchors("<p>No headings</p>") == "<p>No headings</p>"


def test_headings_list_a_table_of_contents():
    html = '<h2 id="about">About <strong>us</strong></h2><p>x</p><h3>Our &amp; your role</h3><h4>Detail</h4>'

    assert headings(html) == [
        Heading(level=2, text="About us", anchor="about"),
        Heading(level=3, text="Our & your role", anchor="our-your-role"),
        Heading(level=4, text="Detail", anchor="detail"),
    ]
    assert headings("") == []
