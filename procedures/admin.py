"""The procedures back office: editors prepare a round's texts and amendment notes, then publish it."""

from django.contrib import admin, messages
from django.db.models import Count, Q
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from solo.admin import SingletonModelAdmin

from lscb_portal.core.errors import Refused
from lscb_portal.core.history import HistoryAdmin

from . import services
from .admin_forms import ChapterTextForm
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
        return (
            super()
            .get_queryset(request)
            .annotate(
                published_count=Count("versions", filter=Q(versions__update_round__published_at__isnull=False)),
                draft_count=Count("versions", filter=Q(versions__update_round__published_at__isnull=True)),
            )
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
            services.draft_start(chapter=chapter, update_round=update_round)
        self.message_user(
            request, f"Drafts are ready in “{update_round}”. Edit them under Chapter versions.", messages.SUCCESS
        )


class AmendmentInline(admin.TabularInline):
    model = Amendment
    extra = 1
    fields = ["position", "chapter", "kind", "details", "sections_affected", "major", "previous_title"]
    readonly_fields = ["previous_title"]
    autocomplete_fields = ["chapter"]

    def _editable(self, obj):
        return obj is None or not obj.is_published

    def has_add_permission(self, request, obj=None):
        return self._editable(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._editable(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._editable(obj) and super().has_delete_permission(request, obj)


class ChapterVersionInline(admin.TabularInline):
    model = ChapterVersion
    extra = 0
    fields = ["title", "chapter", "status", "number"]
    readonly_fields = fields
    show_change_link = True
    verbose_name = "chapter text in this round"
    verbose_name_plural = "chapter texts in this round (add them under Chapter versions)"

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(UpdateRound)
class UpdateRoundAdmin(HistoryAdmin):
    list_display = ["title", "state", "published_at", "amendment_count", "major_count", "text_count"]
    list_filter = [("published_at", admin.EmptyFieldListFilter)]
    search_fields = ["title"]
    inlines = [AmendmentInline, ChapterVersionInline]
    readonly_fields = ["published_at", "add_text_link"]
    fields = ["title", "introduction", "published_at", "add_text_link"]
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

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_published:
            return False  # a published round is the record of what went live
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_published:
            return False
        return super().has_delete_permission(request, obj)

    @admin.display(description="state", ordering="published_at")
    def state(self, obj):
        return "Published" if obj.is_published else "Draft – not visible to the public"

    @admin.display(description="amendments", ordering="amendments_total")
    def amendment_count(self, obj):
        return obj.amendments_total

    @admin.display(description="major", ordering="amendments_major")
    def major_count(self, obj):
        return obj.amendments_major

    @admin.display(description="chapter texts", ordering="texts_total")
    def text_count(self, obj):
        return obj.texts_total

    @admin.display(description="chapter texts")
    def add_text_link(self, obj):
        if obj is None or obj.pk is None:
            return "Save the round first, then add the chapters' new texts."
        if obj.is_published:
            return "Published texts cannot be changed."
        url = reverse("admin:procedures_chapterversion_add") + f"?update_round={obj.pk}"
        return format_html('<a href="{}">Add a chapter text to this round</a>', url)

    @admin.action(description="Publish the selected update rounds now", permissions=["change"])
    def publish(self, request, queryset):
        for update_round in queryset.order_by("created_at"):
            try:
                services.round_publish(update_round=update_round)
            except Refused as error:
                problems = "; ".join(error.messages)
                self.message_user(request, f"“{update_round}” was not published: {problems}", messages.ERROR)
            else:
                self.message_user(request, f"“{update_round}” is published.", messages.SUCCESS)


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
