"""Template tags of the procedures manual's pages."""

from django import template
from django.utils import timezone
from django.utils.html import format_html_join

from lscb_portal.core.templatetags.portal import date_text

register = template.Library()


@register.simple_tag
def earlier_round_items(rounds):
    """The amendments page's links to earlier rounds, one list item each, written here in Python: as a template
    loop their twenty rows cost the page more than its queries. Every value is escaped."""
    zone = timezone.get_current_timezone()
    return format_html_join(
        "\n",
        '<li><a class="govuk-link" href="{}">{}</a> '
        '<span class="govuk-body-s">– published {}, {} chapter{}</span></li>',
        (
            (
                update_round.get_absolute_url(),
                update_round.title,
                date_text(update_round.published_at.astimezone(zone), "short"),
                update_round.amendment_count,
                "" if update_round.amendment_count == 1 else "s",
            )
            for update_round in rounds
        ),
    )
