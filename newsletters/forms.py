from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Fieldset, Layout, Size, Submit
from django import forms
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import slugify

from lscb_portal.core.forms import Markup
from lscb_portal.core.topics import TopicsField
from procedures import selectors as procedures_selectors
from training import selectors as training_selectors

from . import importer
from .models import Article, BlockKind, Issue, IssueBlock, IssueDateShown, IssueStatus, Series

MIN_WORDS, MAX_WORDS = 200, 300
CONSENT_TEXT = (
    "I agree that the board may edit my article for length and style, publish it in the newsletter and on this "
    "website with my name, role and agency, and keep my details for up to 1 year to contact me about it."
)


def count_words(text: str) -> int:
    return len(text.split())


class ContributionForm(forms.Form):
    name = forms.CharField(label="Your name", max_length=120, error_messages={"required": "Enter your name"})
    role = forms.CharField(
        label="Your role",
        max_length=150,
        help_text="For example, designated safeguarding lead or health visitor",
        error_messages={"required": "Enter your role"},
    )
    agency = forms.CharField(
        label="Your agency or organisation",
        max_length=150,
        error_messages={"required": "Enter the name of your agency or organisation"},
    )
    email = forms.EmailField(
        label="Work email address",
        max_length=254,
        help_text="We will only use this to tell you whether we can publish your article",
        error_messages={
            "required": "Enter your work email address",
            "invalid": "Enter an email address in the correct format, like name@example.org",
        },
    )
    title = forms.CharField(
        label="Title of your article", max_length=200, error_messages={"required": "Enter a title for your article"}
    )
    text = forms.CharField(
        label="Your article",
        help_text=f"Between {MIN_WORDS} and {MAX_WORDS} words. Leave a blank line between paragraphs.",
        widget=forms.Textarea,
        max_length=10_000,
        error_messages={"required": "Enter your article"},
    )
    consent = forms.BooleanField(
        label=CONSENT_TEXT,
        error_messages={"required": "Tick the box to agree to how we will use your article and details"},
    )

    def __init__(self, *args, office_email: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        where = (
            format_html('<a class="govuk-link" href="mailto:{0}">{0}</a>', office_email)
            if office_email
            else "the board office"
        )
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Fieldset(
                Field.text("name", field_width="two-thirds"),
                Field.text("role", field_width="two-thirds"),
                Field.text("agency", field_width="two-thirds"),
                Field.text("email", field_width="two-thirds", autocomplete="email", spellcheck="false"),
                legend="About you",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                Field.text("title"),
                Field.textarea("text", rows=14),
                Markup(
                    format_html(
                        '<div class="govuk-inset-text">You cannot upload files here. If you have photos, flyers or '
                        "other documents to go with your article, email them to {} with your article's title in the "
                        "subject line.</div>",
                        where,
                    )
                ),
                legend="Your article",
                legend_size=Size.MEDIUM,
            ),
            Field.checkbox("consent"),
            Submit("submit", "Send your article"),
        )

    def clean_text(self) -> str:
        text = self.cleaned_data["text"].strip()
        words = count_words(text)
        if words < MIN_WORDS or words > MAX_WORDS:
            word = "word" if words == 1 else "words"
            raise forms.ValidationError(
                f"Your article is {words} {word} long. It must be between {MIN_WORDS} and {MAX_WORDS} words."
            )
        return text


class FeedbackForm(forms.Form):
    useful = forms.TypedChoiceField(
        label="Was this issue useful?",
        choices=[("yes", "Yes"), ("no", "No")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": "Select yes if this issue was useful"},
    )
    comment = forms.CharField(
        label="What could be better? (optional)",
        help_text="Do not include personal information about you or a child.",
        required=False,
        max_length=2000,
        widget=forms.Textarea,
        error_messages={"max_length": "Your comment must be 2,000 characters or fewer"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Field.radios("useful", legend_size=Size.MEDIUM, legend_tag="h2", inline=True),
            Field.textarea("comment", rows=4),
            Submit("submit", "Send feedback", css_class="govuk-button--secondary"),
        )


class PublishForm(forms.Form):
    """The publish confirmation page: when the issue appears, whether subscribers are emailed, and the
    addresses for a test email. Which fields must be filled depends on the button pressed."""

    MAX_TEST_ADDRESSES = 5

    when = forms.ChoiceField(
        label="When should it appear on the website?",
        choices=[("now", "Now"), ("later", "At a time I choose")],
        initial="now",
        widget=forms.RadioSelect,
    )
    publish_at = forms.SplitDateTimeField(
        label="Publication time",
        required=False,
        help_text="Only for “At a time I choose”: date and time, UK time.",
        widget=forms.SplitDateTimeWidget(
            date_attrs={"type": "date", "aria-label": "Publication date"},
            time_attrs={"type": "time", "aria-label": "Publication time (UK)"},
        ),
    )
    email = forms.ChoiceField(
        label="Email subscribers?",
        choices=[
            ("yes", "Yes, email the series' subscribers when it appears"),
            ("no", "No, publish without emailing anyone (a past issue, or a correction)"),
        ],
        widget=forms.RadioSelect,
    )
    test_to = forms.CharField(
        label="Send a test email to",
        required=False,
        max_length=1000,
        help_text="Your address, and a colleague's if you like, separated by commas. Nothing is published.",
    )

    def __init__(self, *args, sending_test: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.sending_test = sending_test
        if sending_test:
            self.fields["when"].required = self.fields["email"].required = False

    def clean_test_to(self) -> list[str]:
        addresses = [part.strip() for part in self.cleaned_data["test_to"].replace(";", ",").split(",")]
        addresses = list(dict.fromkeys(address for address in addresses if address))
        if not self.sending_test:
            return addresses
        if not addresses:
            raise forms.ValidationError("Enter the email address to send the test to.")
        if len(addresses) > self.MAX_TEST_ADDRESSES:
            raise forms.ValidationError(f"Send the test to at most {self.MAX_TEST_ADDRESSES} addresses.")
        validate = forms.EmailField(max_length=254).clean
        for address in addresses:
            try:
                validate(address)
            except forms.ValidationError:
                raise forms.ValidationError(
                    f"“{address[:60]}” is not an email address. Enter addresses like name@example.org."
                ) from None
        return addresses

    def clean(self):
        data = super().clean()
        if not self.sending_test and data.get("when") == "later":
            at = data.get("publish_at")
            if at is None:
                self.add_error("publish_at", "Enter the date and time the issue should appear.")
            elif at <= timezone.now():
                self.add_error(
                    "publish_at", "The publication time must be in the future. To publish now, choose “Now”."
                )
        return data


class AcceptContributionForm(forms.Form):
    """The admin's "accept" action: which draft issue takes the article."""

    issue = forms.ModelChoiceField(
        queryset=Issue.objects.filter(status=IssueStatus.DRAFT).select_related("series"),
        help_text="Only draft issues can take new articles.",
    )
    note = forms.CharField(
        label="Note to the contributor (optional)", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class DeclineContributionForm(forms.Form):
    note = forms.CharField(
        label="Note to the contributor (optional)",
        required=False,
        help_text="For example, why it does not fit the newsletter, or where else it could go.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class IssueBlockForm(forms.ModelForm):
    """The issue admin's block form: a training block needs courses or dates; each kind keeps only its own fields."""

    class Meta:
        model = IssueBlock
        fields = [
            "position",
            "kind",
            "title",
            "introduction",
            "courses",
            "sessions_from",
            "sessions_until",
            "update_round",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["courses"].queryset = training_selectors.courses_for_choosing()
        self.fields["update_round"].queryset = procedures_selectors.rounds_for_choosing()

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        if kind == BlockKind.TRAINING:
            cleaned["update_round"] = None
            has_dates = cleaned.get("sessions_from") or cleaned.get("sessions_until")
            if not cleaned.get("courses") and not has_dates:
                raise forms.ValidationError(
                    "Choose the courses to list, or the dates of the sessions to list (or both).",
                    code="training_block_empty",
                )
        elif kind == BlockKind.PROCEDURES:
            cleaned["courses"] = training_selectors.courses_for_choosing().none()
            cleaned["sessions_from"] = cleaned["sessions_until"] = None
        return cleaned


class ArticleForm(forms.ModelForm):
    """An article as the admin edits it, on its own page or as a row of its issue: topics are typed
    separated by commas, with suggestions from the topics already used."""

    tags = TopicsField(label="Topics", required=False, suggest_url=reverse_lazy("admin:newsletters_article_topics"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "slug" in self.fields:
            self.fields["slug"].required = False
            self.fields["slug"].help_text = (
                "The article's web address within the issue. Leave it blank to make it from the title. "
                "It cannot change once the issue is published."
            )

    def clean(self):
        data = super().clean()
        if "slug" in self.fields and not data.get("slug") and data.get("title"):
            data["slug"] = slugify(data["title"])[:80] or "article"
            self.instance.slug = data["slug"]
        return data

    class Meta:
        model = Article
        fields = [
            "issue", "position", "kind", "title", "slug", "summary", "body",
            "author_name", "author_role", "author_agency", "tags",
        ]  # fmt: skip


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files from one input (Django's documented pattern)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ",".join(importer.FORMATS)}))
        # An empty file is the importer's to refuse, by name, without failing the other files.
        kwargs.setdefault("allow_empty_file", True)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        items = [item for item in data if item] if isinstance(data, list | tuple) else [data] if data else []
        if not items:
            return single(None, initial) or []
        return [single(item, initial) for item in items]


class ImportUploadForm(forms.Form):
    """The importer's first step: the series and the newsletter files."""

    MAX_FILES = 20

    series = forms.ModelChoiceField(queryset=Series.objects.all(), empty_label=None)
    files = MultipleFileField(
        label="Newsletter files",
        help_text="Word (.docx), PDF, Markdown (.md), HTML or plain text (.txt), up to 10 MB each. Choose several "
        "files to bring in several issues at once.",
    )
    archive = forms.BooleanField(
        label="Past issues: publish each under its own date without emailing anyone",
        required=False,
        help_text="Leave unticked to create drafts you can check and publish yourself.",
    )

    def clean_files(self):
        files = self.cleaned_data["files"]
        if len(files) > self.MAX_FILES:
            raise forms.ValidationError(f"Choose at most {self.MAX_FILES} files at a time.")
        return files


class ImportIssueForm(forms.Form):
    """One file's issue on the importer's review page: its number, title and date (prefix: the file's index)."""

    number = forms.IntegerField(label="Issue number", min_value=1, max_value=32767)
    title = forms.CharField(label="Title", max_length=120, help_text="e.g. Summer 2018")
    issue_date = forms.DateField(label="Issue date", widget=forms.DateInput(attrs={"type": "date"}))
    issue_date_shown = forms.ChoiceField(label="Show the date as", choices=IssueDateShown.choices)
    skip = forms.BooleanField(label="Leave this file out", required=False)
