"""Forms of the procedures back office. Each refuses at save what publishing the round would refuse,
by asking the services (``services.check_address``), so the editor hears of it beside the field."""

from django import forms

from lscb_portal.core.errors import Refused, add_to_form
from lscb_portal.core.richtext import RichTextFormField

from . import services
from .models import Amendment, ChapterVersion, Section


class ChapterTextForm(forms.ModelForm):
    """A chapter's text in a round, on its own page."""

    class Meta:
        model = ChapterVersion
        fields = ["update_round", "chapter", "title", "slug", "summary", "body", "key_words", "status"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "slug" in self.fields:
            # An empty address gets the services' own words, not "This field is required".
            self.fields["slug"].required = False

    def clean(self):
        data = super().clean()
        update_round = data.get("update_round") or getattr(self.instance, "update_round", None)
        chapter = data.get("chapter") or getattr(self.instance, "chapter", None)
        if "slug" in self.fields and update_round is not None and not self.has_error("slug"):
            try:
                services.check_address(update_round=update_round, chapter=chapter, slug=data.get("slug") or "")
            except Refused as refused:
                add_to_form(self, refused)
        return data


class RoundLineFormSet(forms.BaseInlineFormSet):
    """The round's lines, each with its chapter's text in the round. The texts and the sections are read once
    for the whole formset, so the page's queries do not grow with the number of lines."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.drafts = {}
        if self.instance.pk:
            self.drafts = {version.chapter_id: version for version in self.instance.versions.all()}
        self.sections = [("", "---------"), *Section.objects.values_list("pk", "title")]

    def get_queryset(self):
        if not hasattr(self, "_lines"):
            self._lines = super().get_queryset().select_related("chapter")
        return self._lines

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "drafts": self.drafts, "sections": self.sections}

    @property
    def empty_form(self):
        form = self.form(
            auto_id=self.auto_id,
            prefix=self.add_prefix("__prefix__"),
            empty_permitted=True,
            use_required_attribute=False,
            renderer=self.renderer,
            drafts=self.drafts,
            sections=self.sections,
        )
        self.add_fields(form, None)
        return form

    def delete_existing(self, obj, commit=True):
        if commit:
            services.round_line_remove(amendment=obj)


TEXT_FIELDS = ("title", "slug", "summary", "body", "key_words")


class RoundLineForm(forms.ModelForm):
    """One chapter the round touches: what happens to it, the details of amends, and its text in the round."""

    section = forms.TypedChoiceField(
        label="Section (new chapters)",
        required=False,
        coerce=int,
        empty_value=None,
        help_text="Only for a new chapter: the part of the manual it goes in.",
    )
    title = forms.CharField(
        label="Title",
        required=False,
        max_length=200,
        help_text="For a rename, type the new title: the web address is made from it and the old address "
        "keeps leading to the chapter.",
    )
    slug = forms.SlugField(
        label="Web address",
        required=False,
        max_length=200,
        help_text="The last part of the chapter's address. Left empty, it is made from the title.",
    )
    summary = forms.CharField(
        label="Summary",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "spellcheck": "true"}),
        help_text="One or two sentences: what the chapter covers and for whom.",
    )
    body = RichTextFormField(
        label="The chapter's text",
        required=False,
        help_text="Use level 2 headings for numbered sections and level 3 for sub-sections.",
    )
    key_words = forms.CharField(label="Key words", required=False, max_length=300)

    class Meta:
        model = Amendment
        fields = ["position", "kind", "chapter", "details", "sections_affected", "major"]
        widgets = {"details": forms.Textarea(attrs={"rows": 3, "spellcheck": "true"})}

    def __init__(self, *args, drafts=None, sections=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["section"].choices = sections
        self.fields["details"].required = False  # refused with the services' words, beside the field
        self.fields["kind"].label = "What happens to the chapter"
        self.draft = None
        if self.instance.pk:
            # The line's chapter is fixed once saved (remove the line to drop it): no chooser to fill.
            del self.fields["chapter"]
            del self.fields["section"]
            self.draft = (drafts or {}).get(self.instance.chapter_id)
            if self.draft is None:
                self.initial.setdefault("title", self.instance.chapter.title)
            for name in TEXT_FIELDS:
                if self.draft is not None:
                    self.initial.setdefault(name, getattr(self.draft, name))
        else:
            self.fields["chapter"].required = False
            self.fields["chapter"].help_text = (
                "The chapter amended, renamed or withdrawn. Leave empty for a new chapter, and give its title and "
                "section below."
            )

    @property
    def line_chapter(self):
        if self.instance.pk:
            return self.instance.chapter
        return self.cleaned_data.get("chapter")

    def chapter_text(self) -> services.ChapterText:
        # Fields left empty on a line with no text yet keep what the text in force says.
        keep_empty = self.draft is None
        values = {}
        for name in TEXT_FIELDS:
            value = self.cleaned_data.get(name)
            values[name] = None if keep_empty and not value else (value or "")
        return services.ChapterText(**values)

    def clean(self):
        data = super().clean()
        if self.errors or not self.has_changed():
            return data
        update_round = self.instance.update_round if self.instance.update_round_id else None
        if update_round is None:
            return data  # a new round: checked again when saved
        self.instance.kind = data.get("kind") or self.instance.kind
        self.instance.details = data.get("details") or ""
        try:
            services.round_line_check(
                update_round=update_round,
                amendment=self.instance,
                chapter=self.line_chapter,
                text=self.chapter_text(),
                section=self.section_chosen(),
            )
        except Refused as refused:
            add_to_form(self, refused)
        return data

    def section_chosen(self):
        pk = self.cleaned_data.get("section")
        return Section.objects.filter(pk=pk).first() if pk else None

    def save(self, commit=True):
        if not commit:
            return super().save(commit=False)
        return services.round_line_save(
            update_round=self.instance.update_round,
            amendment=self.instance,
            chapter=self.line_chapter,
            text=self.chapter_text(),
            section=self.section_chosen(),
        )


class AmendmentCorrectionForm(forms.ModelForm):
    """A published round's line: only what it says can be corrected; nobody is emailed again."""

    class Meta:
        model = Amendment
        fields = ["details", "sections_affected"]
        widgets = {"details": forms.Textarea(attrs={"rows": 3, "spellcheck": "true"})}

    def __init__(self, *args, **kwargs):
        kwargs.pop("drafts", None)
        kwargs.pop("sections", None)
        super().__init__(*args, **kwargs)
        self.fields["details"].required = False

    def clean(self):
        data = super().clean()
        if self.has_changed():
            try:
                services.check_details(data.get("details"))
            except Refused as refused:
                add_to_form(self, refused)
        return data

    def save(self, commit=True):
        if not commit:
            return super().save(commit=False)
        return services.amendment_correct(
            amendment=self.instance,
            details=self.cleaned_data["details"],
            sections_affected=self.cleaned_data.get("sections_affected") or "",
        )
