from django import template
from django.utils.html import format_html

register = template.Library()


@register.filter
def breakable_email(email: str):
    """An email address that may wrap before the @ on a narrow screen."""
    local, at, domain = (email or "").partition("@")
    if not at:
        return email
    return format_html("{}<wbr>@{}", local, domain)
