"""Admin for the email outbox: what was sent to whom, what is waiting, what failed.

Mail is read-only here: nobody adds or edits an email in the back office. The
one thing an administrator can do is send failed (or stuck) emails again.

Reading an email never gives its recipient's access: links to token pages are shown with their
secret hidden (``outbox.redact_secret_links``), and the text, headers and attachments of a
category are shown only to staff whose role covers it (``outbox.register_readers``).
"""

from django.contrib import admin, messages
from django.template.defaultfilters import filesizeformat
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.text import Truncator

from .. import outbox
from ..models import OutboxMessage, OutboxStatus


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = ["to", "short_subject", "category", "status", "attempts", "created_at", "sent_at"]
    list_filter = ["status", "category"]
    search_fields = ["to", "subject"]
    date_hierarchy = "created_at"
    actions = ["send_again"]
    # The outbox grows by thousands a week: counting it all on every page is not worth it.
    show_full_result_count = False
    list_per_page = 50
    fieldsets = [
        (None, {"fields": ["to", "subject", "category", "status", "attempts", "last_error"]}),
        ("When", {"fields": ["created_at", "next_attempt_at", "claimed_at", "sent_at"]}),
        ("Message", {"fields": ["text_body", "html_summary", "header_list", "attachment_list"]}),
    ]
    readonly_fields = [
        "to",
        "subject",
        "category",
        "status",
        "attempts",
        "last_error",
        "created_at",
        "next_attempt_at",
        "claimed_at",
        "sent_at",
        "text_body",
        "html_summary",
        "header_list",
        "attachment_list",
    ]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        # Every field is a record of what was sent: the change page is a view page.
        return False

    def has_resend_permission(self, request):
        return request.user.has_perm("core.change_outboxmessage")

    def get_fieldsets(self, request, obj=None):
        if obj is not None and not outbox.may_read(request.user, obj):
            return [*self.fieldsets[:2], ("Message", {"fields": ["hidden_message"]})]
        return self.fieldsets

    def get_readonly_fields(self, request, obj=None):
        return [*self.readonly_fields, "hidden_message"]

    @admin.display(description="text")
    def hidden_message(self, message: OutboxMessage) -> str:
        return f"This email's text is shown only to {outbox.readers(message.category).who}."

    @admin.display(description="subject", ordering="subject")
    def short_subject(self, message: OutboxMessage) -> str:
        return Truncator(message.subject).chars(70)

    @admin.display(description="text")
    def text_body(self, message: OutboxMessage) -> str:
        return format_html(
            '<pre style="white-space: pre-wrap; margin: 0">{}</pre>', outbox.redact_secret_links(message.body_text)
        )

    @admin.display(description="HTML version")
    def html_summary(self, message: OutboxMessage) -> str:
        if not message.body_html:
            return "None: text only"
        return f"Yes ({filesizeformat(len(message.body_html.encode()))})"

    @admin.display(description="headers")
    def header_list(self, message: OutboxMessage) -> str:
        if not message.headers:
            return "None added"
        return format_html_join(
            mark_safe("<br>"),
            "{}: {}",
            ((name, outbox.redact_secret_links(value)) for name, value in sorted(message.headers.items())),
        )

    @admin.display(description="attachments")
    def attachment_list(self, message: OutboxMessage) -> str:
        if not message.attachments:
            return "None"
        return format_html_join(
            mark_safe("<br>"),
            "{} ({}, {})",
            (
                (item["filename"], item["mimetype"], filesizeformat(_attachment_size(item)))
                for item in message.attachments
            ),
        )

    @admin.action(description="Send again", permissions=["resend"])
    def send_again(self, request, queryset):
        selected = queryset.count()
        queued = outbox.resend(messages=queryset)
        if queued:
            self.message_user(
                request,
                f"{queued} {'email' if queued == 1 else 'emails'} will be sent again in the next minute.",
                messages.SUCCESS,
            )
        if skipped := selected - queued:
            self.message_user(
                request,
                f"{skipped} {'email was' if skipped == 1 else 'emails were'} left alone: only emails that "
                f"failed or are {OutboxStatus.PENDING.label.lower()} can be sent again.",
                messages.WARNING,
            )


def _attachment_size(item: dict) -> int:
    if item.get("binary"):
        return len(item["content"]) * 3 // 4
    return len(item["content"].encode())
