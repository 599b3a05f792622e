"""Template tags of the procedures manual's pages."""

from django import template
from django.utils.html import format_html_join

from lscb_portal.core.templatetags.portal import ukdate

register = template.Library()


@register.simple_tag
def earlier_round_items(rounds):
    """The amendments page's links to earlier rounds, one list item each, written here in Python: as a template
    loop their twenty rows cost the page more than its queries. Every value is escaped."""
    return format_html_join(
        "\n",
        '<li><a class="govuk-link" href="{}">{}</a> '
        '<span class="govuk-body-s">– published {}, {} chapter{}</span></li>',
        (
            (
                update_round.get_absolute_url(),
                update_round.title,
                ukdate(update_round.published_at, "short"),
                update_round.amendment_count,
                "" if update_round.amendment_count == 1 else "s",
            )
            for update_round in rounds
        ),
    )
