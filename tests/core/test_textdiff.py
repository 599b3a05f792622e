"""The word-level comparison every app shows changes with (chapters' changes pages, admin history)."""

from lscb_portal.core.textdiff import compare, compare_text


def test_compare_marks_insertions_and_deletions():
    old = '<h2 id="signs">Signs</h2><p>Look for missed appointments and poor hygiene.</p>'
    new = '<h2 id="signs">Signs</h2><p>Look for missed appointments and a cold home.</p><p>Tell your manager.</p>'
    result = compare(old, new)
    assert '<del class="lscb-diff-del">poor hygiene.</del>' in result.html
    assert '<ins class="lscb-diff-ins">a cold home.</ins>' in result.html
    assert '<ins class="lscb-diff-ins">Tell your manager.</ins>' in result.html
    assert "Look for missed appointments and" in result.html
    assert result.insertions == 6
    assert result.deletions == 2


def test_identical_texts_have_no_changes():
    assert not compare("<p>Same.</p>", "<p>Same.</p>").changed


def test_the_comparison_output_is_sanitised():
    result = compare("<p>a</p>", '<p>a</p><p onclick="x()">b<script>bad()</script></p>')
    assert "onclick" not in result.html
    assert "<script" not in result.html


def test_tables_in_a_comparison_scroll_in_their_own_box():
    result = compare("<table><tr><td>One</td></tr></table>", "<table><tr><td>Two</td></tr></table>")
    assert result.html.startswith('<div class="lscb-table-wrapper" role="region"')
    assert '<del class="lscb-diff-del">One</del><ins class="lscb-diff-ins">Two</ins>' in result.html


def test_plain_text_is_compared_as_text_not_markup():
    result = compare_text("Safer sleep <b>advice</b>", 'Safer sleep <script>alert("x")</script>\nfor parents')
    assert "<script" not in result.html
    assert "<b>" not in result.html
    assert "&lt;script&gt;" in result.html
    assert '<del class="lscb-diff-del">&lt;b&gt;advice&lt;/b&gt;</del>' in result.html
    assert "<br>" in result.html
    assert result.deletions == 1
    assert result.insertions == 3
