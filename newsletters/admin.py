"""The newsletter back office: series, issues with their articles, contributions and feedback.

Publishing, scheduling and unpublishing are admin actions that call the
services; an issue's series and number, and its articles' web addresses, lock
once the issue has been published so that links keep working.
"""

import nested_admin
from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import HttpResponseRedirect
from django.template.defaultfilters import filesizeformat
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from taggit.models import Tag

from lscb_portal.core import subscriptions, topics
from lscb_portal.core.admin_confirm import Button, Confirmation, Fact, confirmation_response
from lscb_portal.core.errors import Refused
from lscb_portal.core.forms import TableRowForm
from lscb_portal.core.history import HistoryAdmin
from lscb_portal.core.links import absolute_url
from lscb_portal.core.wording import counted, subscribers_emailed

from . import import_views, issue_pdf, selectors, services
from .forms import AcceptContributionForm, ArticleForm, DeclineContributionForm, IssueBlockForm, PublishForm
from .models import (
    Article,
    Attachment,
    Contribution,
    ContributionStatus,
    Feedback,
    Issue,
    IssueBlock,
    IssueStatus,
    Resource,
    Series,
)


def _error_text(error: Refused) -> str:
    return " ".join(error.messages)


def _emailed_text(count: int, *, chose_email: bool) -> str:
    if not chose_email:
        return "Nobody was emailed."
    if count == 0:
        return "Nobody was emailed: subscribers had already been told about this issue, or there are none."
    return subscribers_emailed(count)


@admin.register(Series)
class SeriesAdmin(HistoryAdmin):
    list_display = ["title", "slug", "frequency", "is_active", "published_issues", "position"]
    list_editable = ["position"]
    list_filter = ["is_active"]
    search_fields = ["title", "slug"]
    prepopulated_fields = {"slug": ["title"]}

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(published_count=Count("issues", filter=Q(issues__status=IssueStatus.PUBLISHED)))
        )

    @admin.display(description="published or scheduled issues", ordering="published_count")
    def published_issues(self, series):
        return series.published_count

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.issues.filter(published_at__isnull=False).exists():
            return ["slug"]
        return []

    def get_prepopulated_fields(self, request, obj=None):
        return {} if "slug" in self.get_readonly_fields(request, obj) else self.prepopulated_fields


class AttachmentInline(nested_admin.NestedTabularInline):
    model = Attachment
    form = TableRowForm
    extra = 0
    fields = ["position", "title", "file", "file_type", "size_shown"]
    readonly_fields = ["file_type", "size_shown"]

    @admin.display(description="size")
    def size_shown(self, obj):
        return filesizeformat(obj.size) if obj.pk else "-"


class ResourceInline(nested_admin.NestedTabularInline):
    model = Resource
    form = TableRowForm
    extra = 0
    verbose_name = "resource line"
    verbose_name_plural = "further information and resources"
    fields = ["position", "organisation", "offers", "url"]


class ArticleInline(nested_admin.NestedStackedInline):
    """The issue's articles as rows that open and close, each with its resource lines and attachments."""

    model = Article
    form = ArticleForm
    extra = 0
    template = "admin/newsletters/issue/article_rows.html"
    inlines = [ResourceInline, AttachmentInline]
    fields = [
        ("position", "kind"),
        "title",
        "slug",
        "summary",
        "body",
        ("author_name", "author_role", "author_agency"),
        "tags",
    ]
    ordering = ["position", "pk"]

    @property
    def media(self):
        return super().media + forms.Media(
            js=[forms.Script("js/composer.mjs", type="module")], css={"all": ["css/composer.css"]}
        )

    def get_readonly_fields(self, request, obj=None):
        return ["slug"] if obj is not None and obj.was_ever_published else []


class IssueBlockInline(nested_admin.NestedStackedInline):
    """Blocks filled from training and procedures, placed among the articles by their position."""

    model = IssueBlock
    form = IssueBlockForm
    extra = 0
    verbose_name = "block from training or procedures"
    verbose_name_plural = "blocks from training and procedures"
    fieldsets = [
        (
            None,
            {
                "fields": [("position", "kind"), "title", "introduction"],
                "description": "A block follows every article with the same position number or lower. On the "
                "web it shows what is true now; the subscribers' email keeps the figures as they were when it "
                "was sent.",
            },
        ),
        (
            "Training with places",
            {
                "fields": ["courses", ("sessions_from", "sessions_until")],
                "description": "Upcoming sessions of the chosen courses, or of every course between the dates "
                "(choose both to narrow the courses to those dates).",
            },
        ),
        ("Procedures updated", {"fields": ["update_round"]}),
        ("Sent to subscribers", {"fields": ["snapshot_taken_at"]}),
    ]
    readonly_fields = ["snapshot_taken_at"]
    filter_horizontal = ["courses"]
    ordering = ["position", "pk"]


class IssueStateFilter(admin.SimpleListFilter):
    title = "state"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("draft", "Draft"), ("scheduled", "Scheduled"), ("published", "Published")]

    def queryset(self, request, queryset):
        if self.value() == "draft":
            return queryset.filter(status=IssueStatus.DRAFT)
        if self.value() == "scheduled":
            return queryset.scheduled()
        if self.value() == "published":
            return queryset.published()
        return queryset


class NotifiedFilter(admin.SimpleListFilter):
    title = "subscribers emailed"
    parameter_name = "emailed"

    def lookups(self, request, model_admin):
        return [("yes", "Yes"), ("no", "Not yet")]

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.filter(subscribers_notified_at__isnull=self.value() == "no")
        return queryset


@admin.register(Issue)
class IssueAdmin(nested_admin.NestedModelAdminMixin, HistoryAdmin):
    list_display = [
        "issue",
        "series",
        "state",
        "published_at",
        "articles",
        "subscribers_emailed",
        "useful_yes",
        "useful_no",
    ]
    list_filter = ["series", IssueStateFilter, NotifiedFilter]
    list_select_related = ["series"]
    search_fields = ["title", "series__title", "articles__title"]
    date_hierarchy = "published_at"
    ordering = ["-published_at", "series", "-number"]
    actions = ["publish", "unpublish", "preview"]
    change_form_template = "admin/newsletters/issue/change_form.html"
    change_list_template = "admin/newsletters/issue/change_list.html"
    inlines = [ArticleInline, IssueBlockInline]
    readonly_fields = [
        "state",
        "published_at",
        "subscribers_notified_at",
        "preview_link",
        "pdf_shown",
        "feedback_summary",
    ]
    fieldsets = [
        (None, {"fields": ["series", "number", "title", ("issue_date", "issue_date_shown"), "next_edition_expected"]}),
        ("Foreword", {"fields": ["foreword", "foreword_by", "foreword_role"]}),
        (
            "Publishing",
            {
                "fields": readonly_fields,
                "description": "Save, then use “Publish or schedule…” at the top of the page: it says who will be "
                "emailed before anything happens, and can send you a test email first. Subscribers are emailed "
                "once, when the publication time has passed, unless you publish without emailing.",
            },
        ),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("series")
            .annotate(
                article_count=Count("articles", distinct=True),
                yes_count=Count("feedback", filter=Q(feedback__useful=True), distinct=True),
                no_count=Count("feedback", filter=Q(feedback__useful=False), distinct=True),
            )
        )

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.was_ever_published:
            fields += ["series", "number"]
        return fields

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # A published issue's PDF is made again with the articles as saved (newsletters/issue_pdf.py).
        issue_pdf.request_issue_pdf(form.instance)

    @admin.display(description="PDF")
    def pdf_shown(self, obj):
        if obj is None or not obj.pdf:
            return "Made by the worker a minute or so after the issue is published, and after each change."
        made = timezone.localtime(obj.pdf_made_at)
        return format_html(
            '<a href="{}">{}</a>, made {}', obj.get_pdf_url(), obj.pdf_size_label, f"{made:%d %b %Y %H:%M}"
        )

    @admin.display(description="issue", ordering="number")
    def issue(self, obj):
        return obj.label

    @admin.display(description="state")
    def state(self, obj):
        when = obj.published_at
        if obj.state == "Scheduled":
            return f"Scheduled for {timezone.localtime(when):%d %b %Y %H:%M}"
        return obj.state

    @admin.display(description="articles", ordering="article_count")
    def articles(self, obj):
        return obj.article_count

    @admin.display(description="subscribers emailed", boolean=True, ordering="subscribers_notified_at")
    def subscribers_emailed(self, obj):
        return obj.subscribers_notified_at is not None

    @admin.display(description="useful: yes", ordering="yes_count")
    def useful_yes(self, obj):
        return obj.yes_count

    @admin.display(description="useful: no", ordering="no_count")
    def useful_no(self, obj):
        return obj.no_count

    @admin.display(description="preview")
    def preview_link(self, obj):
        if obj is None or obj.pk is None:
            return "Save the issue to preview it."
        return format_html('<a href="{}">Preview the issue as readers will see it</a>', obj.get_preview_url())

    @admin.display(description="was this issue useful?")
    def feedback_summary(self, obj):
        if obj is None or obj.pk is None:
            return "-"
        url = reverse("admin:newsletters_feedback_changelist") + f"?issue__id__exact={obj.pk}"
        return format_html(
            '{} yes, {} no (<a href="{}">read the comments</a>)',
            obj.feedback.filter(useful=True).count(),
            obj.feedback.filter(useful=False).count(),
            url,
        )

    def get_urls(self):
        def view(function):
            return self.admin_site.admin_view(
                lambda request, *args, **kwargs: function(self, request, *args, **kwargs)
            )

        return [
            path("import/", view(import_views.upload), name="newsletters_issue_import"),
            path("import/review/", view(import_views.review), name="newsletters_issue_import_review"),
            path("<path:object_id>/publish/", view(IssueAdmin.publish_view), name="newsletters_issue_publish"),
            *super().get_urls(),
        ]

    def publish_view(self, request, object_id):
        """The confirmation page: what publishing will do, the choices, and a test email first."""
        issue = self.get_object(request, unquote(object_id))
        if issue is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_change_permission(request, issue):
            raise PermissionDenied
        sending_test = "_send_test" in request.POST
        initial = {"email": "no" if selectors.is_back_issue(issue=issue) else "yes", "test_to": request.user.email}
        form = PublishForm(request.POST or None, sending_test=sending_test, initial=initial)
        if request.method == "POST" and form.is_valid():
            try:
                if sending_test:
                    return self._send_test(request, issue, form.cleaned_data["test_to"])
                return self._publish(request, issue, form.cleaned_data)
            except Refused as error:
                form.add_error(None, error)
        return confirmation_response(request, self, self._publish_confirmation(request, issue, form))

    def _send_test(self, request, issue, addresses):
        count = services.issue_send_test(issue=issue, to=addresses)
        self.message_user(
            request,
            f"Test email sent to {', '.join(addresses)}. Nothing has been published."
            if count
            else "No test email was sent.",
            messages.SUCCESS,
        )
        return HttpResponseRedirect(request.path)

    def _publish(self, request, issue, data):
        email = data["email"] == "yes"
        if data["when"] == "later":
            result = services.issue_schedule(issue=issue, at=data["publish_at"], email_subscribers=email)
            when = f"scheduled to appear on {timezone.localtime(result.issue.published_at):%d %b %Y at %H:%M}"
            emailed = "Subscribers will be emailed when it appears." if email else "Nobody will be emailed."
        else:
            result = services.issue_publish(issue=issue, email_subscribers=email)
            when = "published"
            emailed = _emailed_text(result.emailed, chose_email=email)
        self.message_user(request, f"{issue.label} {when}. {emailed}", messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:newsletters_issue_change", args=[issue.pk]))

    def _publish_confirmation(self, request, issue, form) -> Confirmation:
        articles = list(issue.articles.order_by("position", "pk").values_list("title", flat=True))
        audience = subscriptions.audience(issue.series.list_key)
        warnings = []
        if not articles:
            warnings.append("This issue has no articles yet: add at least one before publishing it.")
        if selectors.is_back_issue(issue=issue):
            warnings.append(
                f"This issue is dated {issue.date_label}, before the series' latest issue. It will be filed under "
                f"{issue.issue_date.year} and will not become the latest issue. Past issues are usually published "
                "without emailing anyone."
            )
        if issue.state != "Draft":
            warnings.append(f"This issue is already {issue.state.lower()}. Publishing again keeps its address.")
        if issue.subscribers_notified_at:
            emails = (
                f"Subscribers were emailed about this issue on "
                f"{timezone.localtime(issue.subscribers_notified_at):%d %b %Y}. Nobody is emailed again."
            )
        else:
            emails = (
                f"If you email subscribers: {counted(audience.immediate, 'subscriber')} get an email when it "
                f"appears, and {counted(audience.weekly, 'more subscriber')} see it in their weekly digest. "
                "If you publish without emailing, nobody is emailed, now or later."
            )
        return Confirmation(
            obj=issue,
            title=f"Publish {issue.label}",
            lead="Check what will happen, then publish. You can send yourself a test email first.",
            facts=[
                Fact("Issue", f"{issue.series.title}, {issue.label}, dated {issue.date_label}"),
                Fact("Articles", counted(len(articles), "article"), items=articles),
                Fact("Web address", absolute_url(issue)),
                Fact("Emails", emails),
            ],
            warnings=warnings,
            form=form,
            buttons=[Button("_publish", "Publish"), Button("_send_test", "Send a test email", primary=False)],
            back_url=reverse("admin:newsletters_issue_change", args=[issue.pk]),
        )

    def _each(self, request, queryset, service, done: str, **kwargs) -> None:
        succeeded = 0
        for issue in queryset:
            try:
                service(issue=issue, **kwargs)
            except Refused as error:
                self.message_user(request, f"{issue.label}: {_error_text(error)}", messages.ERROR)
            else:
                succeeded += 1
        if succeeded:
            self.message_user(request, f"{succeeded} issue{'s' if succeeded != 1 else ''} {done}.", messages.SUCCESS)

    @admin.action(description="Publish or schedule…", permissions=["change"])
    def publish(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(
                request, "Select one issue: each is published from its own confirmation page.", messages.WARNING
            )
            return None
        return HttpResponseRedirect(reverse("admin:newsletters_issue_publish", args=[queryset.get().pk]))

    @admin.action(description="Unpublish", permissions=["change"])
    def unpublish(self, request, queryset):
        self._each(request, queryset, services.issue_unpublish, "unpublished")

    @admin.action(description="Preview", permissions=["view"])
    def preview(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, "Select one issue to preview.", messages.WARNING)
            return None
        return HttpResponseRedirect(queryset.get().get_preview_url())


@admin.register(Article)
class ArticleAdmin(nested_admin.NestedModelAdminMixin, HistoryAdmin):
    list_display = ["title", "issue", "kind", "position", "documents", "author_agency"]
    list_filter = ["issue__series", "kind", "tags"]
    list_select_related = ["issue__series"]
    search_fields = ["title", "summary", "author_name", "author_agency"]
    autocomplete_fields = ["issue"]
    form = ArticleForm
    inlines = [AttachmentInline, ResourceInline]
    fields = [
        "issue",
        ("position", "kind"),
        "title",
        "slug",
        "summary",
        "body",
        ("author_name", "author_role", "author_agency"),
        "tags",
    ]
    prepopulated_fields = {"slug": ["title"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(document_count=Count("attachments"))

    def get_urls(self):
        topics = self.admin_site.admin_view(self.topic_suggestions)
        return [path("topics/", topics, name="newsletters_article_topics"), *super().get_urls()]

    def topic_suggestions(self, request):
        """Topics already used that contain what the editor is typing (for the topics field)."""
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        return topics.suggestions(request, Tag.objects.all())

    @admin.display(description="documents", ordering="document_count")
    def documents(self, obj):
        return obj.document_count

    def get_readonly_fields(self, request, obj=None):
        return ["issue", "slug"] if obj is not None and obj.issue.was_ever_published else []

    def get_prepopulated_fields(self, request, obj=None):
        return {} if obj is not None and obj.issue.was_ever_published else self.prepopulated_fields


@admin.register(Contribution)
class ContributionAdmin(HistoryAdmin):
    list_display = ["title", "name", "agency", "submitted_at", "words", "status", "article"]
    list_filter = ["status"]
    list_select_related = ["article"]
    search_fields = ["title", "name", "agency", "email"]
    date_hierarchy = "submitted_at"
    actions = ["accept", "decline"]
    fields = [
        ("name", "role"),
        ("agency", "email"),
        "title",
        "text",
        "words",
        "consent_text",
        "submitted_at",
        ("status", "decided_at", "decided_by"),
        "decision_note",
        "article",
    ]
    readonly_fields = [
        "name",
        "role",
        "agency",
        "email",
        "title",
        "text",
        "words",
        "consent_text",
        "submitted_at",
        "status",
        "decided_at",
        "decided_by",
        "decision_note",
        "article",
    ]

    def has_add_permission(self, request):
        return False

    @admin.display(description="words")
    def words(self, obj):
        return obj.word_count

    def _decide(self, request, queryset, *, form, title: str, action: str, done_text: str, decide):
        queryset = queryset.filter(status=ContributionStatus.NEW)
        if not queryset.exists():
            self.message_user(request, "Select contributions that are still new.", messages.WARNING)
            return None
        if "apply" in request.POST and form.is_valid():
            done = 0
            for contribution in queryset:
                try:
                    decide(contribution, form.cleaned_data)
                except Refused as error:
                    self.message_user(request, f"{contribution.title}: {_error_text(error)}", messages.ERROR)
                else:
                    done += 1
            if done:
                self.message_user(
                    request,
                    f"{done} contribution{'s' if done != 1 else ''} {done_text}; the contributor has been emailed.",
                    messages.SUCCESS,
                )
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "contributions": queryset,
            "form": form,
            "opts": self.model._meta,
            "action": action,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "newsletters/admin/decide.html", context)

    @admin.action(description="Accept into a draft issue…", permissions=["change"])
    def accept(self, request, queryset):
        form = AcceptContributionForm(request.POST if "apply" in request.POST else None)
        return self._decide(
            request,
            queryset,
            form=form,
            title="Accept contributions",
            action="accept",
            done_text="accepted as draft articles",
            decide=lambda contribution, data: services.contribution_accept(
                contribution=contribution, issue=data["issue"], by=request.user, note=data["note"]
            ),
        )

    @admin.action(description="Decline…", permissions=["change"])
    def decline(self, request, queryset):
        form = DeclineContributionForm(request.POST if "apply" in request.POST else None)
        return self._decide(
            request,
            queryset,
            form=form,
            title="Decline contributions",
            action="decline",
            done_text="declined",
            decide=lambda contribution, data: services.contribution_decline(
                contribution=contribution, by=request.user, note=data["note"]
            ),
        )


@admin.register(Feedback)
class FeedbackAdmin(admin.ModelAdmin):
    list_display = ["issue", "useful", "comment", "created_at"]
    list_filter = ["useful", "issue__series", "issue"]
    list_select_related = ["issue__series"]
    search_fields = ["comment"]
    date_hierarchy = "created_at"
    readonly_fields = ["issue", "useful", "comment", "created_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
