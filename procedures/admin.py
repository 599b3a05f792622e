"""The procedures back office: editors prepare a round's texts and amendment notes, then publish it."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AutocompleteSelect
from django.db.models import Count, Q
from django.http import HttpResponseRedirect
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from solo.admin import SingletonModelAdmin

from lscb_portal.core.history import HistoryAdmin
from lscb_portal.core.links import absolute_url

from . import round_views, services
from .admin_forms import AmendmentCorrectionForm, ChapterTextForm, RoundLineForm, RoundLineFormSet
from .models import (
    Amendment,
    Chapter,
    ChapterStatus,
    ChapterVersion,
    GlossaryTerm,
    Manual,
    Section,
    UpdateRound,
)


@admin.register(Manual)
class ManualAdmin(SingletonModelAdmin, HistoryAdmin):
    fields = ["title", "description", "next_update"]


@admin.register(Section)
class SectionAdmin(HistoryAdmin):
    list_display = ["title", "position", "current_chapters"]
    list_editable = ["position"]
    search_fields = ["title"]
    prepopulated_fields = {"slug": ["title"]}

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(current_count=Count("chapters", filter=Q(chapters__status=ChapterStatus.CURRENT)))
        )

    @admin.display(description="current chapters", ordering="current_count")
    def current_chapters(self, obj):
        return obj.current_count


def _open_round() -> UpdateRound | None:
    return UpdateRound.objects.drafts().order_by("-created_at").first()


@admin.register(Chapter)
class ChapterAdmin(HistoryAdmin):
    list_display = ["title", "section", "status", "updated_at", "published_versions", "drafts_waiting"]
    list_filter = ["status", "section"]
    list_select_related = ["section"]
    search_fields = ["title", "slug", "versions__title"]
    autocomplete_fields = ["related"]
    readonly_fields = ["slug", "status", "updated_at", "public_page", "version_history"]
    actions = ["start_drafts"]
    fieldsets = [
        (None, {"fields": ["title", "section", "position", "related"]}),
        (
            "Published",
            {
                "fields": ["status", "slug", "updated_at", "public_page", "version_history"],
                "description": "Set only by publishing an update round.",
            },
        ),
    ]

    def get_queryset(self, request):
        # The counts group the rows, and Django then leaves the model's ordering out; the autocomplete's pages
        # need one (the list orders by its own columns anyway).
        return (
            super()
            .get_queryset(request)
            .annotate(
                published_count=Count("versions", filter=Q(versions__update_round__published_at__isnull=False)),
                draft_count=Count("versions", filter=Q(versions__update_round__published_at__isnull=True)),
            )
            .order_by(*Chapter._meta.ordering)
        )

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.status != ChapterStatus.DRAFT:
            fields.append("title")  # the published title changes only through a round (a rename)
        return fields

    @admin.display(description="published versions", ordering="published_count")
    def published_versions(self, obj):
        return obj.published_count

    @admin.display(description="drafts waiting", ordering="draft_count")
    def drafts_waiting(self, obj):
        return obj.draft_count or "–"

    @admin.display(description="public page")
    def public_page(self, obj):
        if obj.slug and obj.status != ChapterStatus.DRAFT:
            return format_html('<a href="{}">{}</a>', obj.get_absolute_url(), obj.get_absolute_url())
        return "Not published yet"

    @admin.display(description="versions")
    def version_history(self, obj):
        versions = obj.versions.select_related("update_round").order_by("-created_at") if obj.pk else []
        return (
            format_html_join(
                "",
                '<div><a href="{}">{}</a> – {}</div>',
                (
                    (
                        reverse("admin:procedures_chapterversion_change", args=[version.pk]),
                        version.title,
                        f"version {version.number}, {version.update_round}"
                        if version.number
                        else f"draft in {version.update_round}",
                    )
                    for version in versions
                ),
            )
            or "None yet"
        )

    def has_start_drafts_permission(self, request) -> bool:
        return request.user.has_perm("procedures.add_chapterversion")

    @admin.action(
        description="Start a draft of the selected chapters in the open update round", permissions=["start_drafts"]
    )
    def start_drafts(self, request, queryset):
        update_round = _open_round()
        if update_round is None:
            self.message_user(request, "There is no unpublished update round. Add one first.", messages.ERROR)
            return
        for chapter in queryset:
            services.round_chapter_add(chapter=chapter, update_round=update_round)
        self.message_user(
            request,
            format_html(
                'Drafts are ready in “{}”. Edit them on the round\'s page, <a href="{}">{}</a>, with their details '
                "of amends.",
                update_round,
                reverse("admin:procedures_updateround_change", args=[update_round.pk]),
                update_round,
            ),
            messages.SUCCESS,
        )


class ChapterChooser(AutocompleteSelect):
    """The chapter chooser of a new row. A value that is no chapter's number (a hand-made request) is shown as
    no choice, beside the form's own "select a valid choice", instead of failing to draw the page."""

    def optgroups(self, name, value, attr=None):
        return super().optgroups(name, [item for item in value if str(item).isdigit() and len(str(item)) < 12], attr)


class RoundLineInline(admin.StackedInline):
    """The chapters the round touches, as rows that open and close: what happens to each, its details of amends
    and its text in the round, edited here (``admin_forms.RoundLineForm`` asks the services at save)."""

    model = Amendment
    form = RoundLineForm
    formset = RoundLineFormSet
    template = "admin/procedures/updateround/round_lines.html"
    extra = 0
    autocomplete_fields = ["chapter"]
    verbose_name = "chapter in this round"
    verbose_name_plural = "chapters in this round"
    fields = [
        "kind",
        "chapter",
        "section",
        "details",
        "sections_affected",
        "major",
        "position",
        "title",
        "slug",
        "summary",
        "body",
        "key_words",
    ]
    ordering = ["position", "pk"]

    @property
    def media(self):
        return super().media + forms.Media(css={"all": ["css/composer.css"]})

    def _published(self, obj) -> bool:
        return obj is not None and obj.is_published

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "chapter":
            kwargs["widget"] = ChapterChooser(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_formset(self, request, obj=None, **kwargs):
        if self._published(obj):
            kwargs["form"] = AmendmentCorrectionForm
            kwargs["fields"] = ["details", "sections_affected"]
        return super().get_formset(request, obj, **kwargs)

    def get_fields(self, request, obj=None):
        return ["details", "sections_affected"] if self._published(obj) else self.fields

    def has_add_permission(self, request, obj=None):
        # Lines are added to a saved, unpublished round (a new round is saved first).
        return obj is not None and not obj.is_published and super().has_add_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self._published(obj) and super().has_delete_permission(request, obj)


@admin.register(UpdateRound)
class UpdateRoundAdmin(HistoryAdmin):
    """The round composer: one page to pick the chapters a round touches, edit each text and its details of
    amends, preview what readers will see and publish through a confirmation page."""

    list_display = ["title", "state", "published_at", "amendment_count", "major_count", "text_count"]
    list_filter = [("published_at", admin.EmptyFieldListFilter)]
    search_fields = ["title"]
    inlines = [RoundLineInline]
    change_form_template = "admin/procedures/updateround/change_form.html"
    readonly_fields = ["state", "published_at", "public_page"]
    fields = ["title", "introduction", "state", "published_at", "public_page"]
    actions = ["publish"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                amendments_total=Count("amendments", distinct=True),
                amendments_major=Count("amendments", filter=Q(amendments__major=True), distinct=True),
                texts_total=Count("versions", distinct=True),
            )
        )

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.is_published:
            fields += ["title", "introduction"]  # the record of what went live; only details are corrected
        return fields

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_published:
            return False
        return super().has_delete_permission(request, obj)

    def response_add(self, request, obj, post_url_continue=None):
        # A new round goes on to its own page, where its chapters are picked.
        return HttpResponseRedirect(reverse("admin:procedures_updateround_change", args=[obj.pk]))

    @admin.display(description="state", ordering="published_at")
    def state(self, obj):
        if obj is None or obj.pk is None:
            return "Draft – not visible to the public"
        return "Published" if obj.is_published else "Draft – not visible to the public"

    @admin.display(description="public page")
    def public_page(self, obj):
        if obj is None or not obj.is_published:
            return "Made when the round is published."
        return format_html('<a href="{}">{}</a>', obj.get_absolute_url(), absolute_url(obj))

    @admin.display(description="amendments", ordering="amendments_total")
    def amendment_count(self, obj):
        return obj.amendments_total

    @admin.display(description="major", ordering="amendments_major")
    def major_count(self, obj):
        return obj.amendments_major

    @admin.display(description="chapter texts", ordering="texts_total")
    def text_count(self, obj):
        return obj.texts_total

    def get_urls(self):
        def view(function):
            return self.admin_site.admin_view(
                lambda request, *args, **kwargs: function(self, request, *args, **kwargs)
            )

        return [
            path("<path:object_id>/publish/", view(round_views.publish), name="procedures_updateround_publish"),
            path("<path:object_id>/preview/", view(round_views.preview_round), name="procedures_updateround_preview"),
            path(
                "<path:object_id>/preview/<int:chapter_id>/",
                view(round_views.preview_chapter),
                name="procedures_updateround_preview_chapter",
            ),
            *super().get_urls(),
        ]

    @admin.action(description="Publish…", permissions=["change"])
    def publish(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(
                request, "Select one round: each is published from its own confirmation page.", messages.WARNING
            )
            return None
        return HttpResponseRedirect(reverse("admin:procedures_updateround_publish", args=[queryset.get().pk]))


@admin.register(ChapterVersion)
class ChapterVersionAdmin(HistoryAdmin):
    form = ChapterTextForm
    list_display = ["title", "chapter", "update_round", "number", "status", "is_live"]
    list_filter = [("update_round__published_at", admin.EmptyFieldListFilter), "update_round", "status"]
    list_select_related = ["chapter", "update_round"]
    search_fields = ["title", "chapter__title", "slug"]
    autocomplete_fields = ["chapter"]
    fields = ["update_round", "chapter", "title", "slug", "summary", "body", "key_words", "status"]
    readonly_fields = ["number", "print_code"]

    def get_prepopulated_fields(self, request, obj=None):
        return {"slug": ["title"]} if obj is None else {}

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "update_round":
            kwargs["queryset"] = UpdateRound.objects.drafts()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.update_round.is_published:
            return False  # published versions are the record of what was in force
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.update_round.is_published:
            return False
        return super().has_delete_permission(request, obj)

    @admin.display(description="published", boolean=True, ordering="update_round__published_at")
    def is_live(self, obj):
        return obj.update_round.published_at is not None


@admin.register(GlossaryTerm)
class GlossaryTermAdmin(HistoryAdmin):
    list_display = ["term", "also_known_as", "link_in_chapters"]
    list_filter = ["link_in_chapters"]
    search_fields = ["term", "also_known_as", "definition"]
    prepopulated_fields = {"slug": ["term"]}
    fields = ["term", "slug", "also_known_as", "definition", "link_in_chapters"]
