"""``{{ value|richtext }}``: stored rich text as it appears on a page."""

from django.template import engines
from django.utils.safestring import SafeString

from lscb_portal.core.templatetags.richtext import TABLE_WRAPPER, richtext, wrap_tables


def render(value) -> str:
    return engines["django"].from_string("{{ value|richtext }}").render({"value": value})


def test_rich_text_is_shown_inside_the_prose_container_unescaped():
    html = render('<h2 id="about">About</h2><p>Read <a href="https://example.org">this</a>.</p>')

    assert html == (
        '<div class="lscb-prose"><h2 id="about">About</h2>'
        '<p>Read <a href="https://example.org" rel="noopener noreferrer">this</a>.</p></div>'
    )
    assert isinstance(richtext("<p>x</p>"), SafeString)


def test_each_table_scrolls_in_its_own_focusable_region():
    html = render("<p>Courses</p><table><tr><td>A</td></tr></table><p>Gap</p><table><tr><td>B</td></tr></table>")

    assert html.count(TABLE_WRAPPER) == 2
    assert TABLE_WRAPPER == '<div class="lscb-table-wrapper" role="region" aria-label="Table" tabindex="0">'
    assert f"{TABLE_WRAPPER}<table><tbody><tr><td>A</td></tr></tbody></table></div><p>Gap</p>" in html


def test_a_table_inside_a_table_is_wrapped_once():
    wrapped = wrap_tables("<table><tr><td><table><tr><td>in</td></tr></table></td></tr></table><p>after</p>")

    assert wrapped == (
        f"{TABLE_WRAPPER}<table><tr><td><table><tr><td>in</td></tr></table></td></tr></table></div><p>after</p>"
    )


def test_an_unclosed_table_still_gets_a_closed_region():
    assert wrap_tables("<table><tr><td>x") == f"{TABLE_WRAPPER}<table><tr><td>x</div>"


def test_empty_values_render_nothing():
    assert render(None) == ""
    assert render("") == ""
    assert render("<p></p>") == ""


def test_html_that_skipped_the_field_is_cleaned_before_it_is_shown():
    html = render('<p onclick="steal()">Hi</p><script>steal()</script><img src="/x.png">')

    assert html == '<div class="lscb-prose"><p>Hi</p></div>'
