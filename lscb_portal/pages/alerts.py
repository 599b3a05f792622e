"""The email alerts pages: subscribe, confirm, manage, unsubscribe, and ask for a new link.

The pages reached through an emailed link are never cached or indexed, and change nothing on
GET: mail scanners follow links, so every change is a POST behind a button.
"""

from crispy_forms_gds.choices import Choice
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Fluid, Layout, Size, Submit
from django import forms
from django.contrib import messages
from django.middleware.csrf import CsrfViewMiddleware
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_safe

from lscb_portal.core import ratelimit, subscriptions
from lscb_portal.core.errors import Refused
from lscb_portal.core.models import BoardSettings, Frequency, Subscriber
from lscb_portal.core.signing import BadLink, signed_link_page

EMAIL_ERRORS = {
    "required": "Enter your email address",
    "invalid": "Enter an email address in the correct format, like name@example.com",
    "max_length": "Email address must be 254 characters or fewer",
}
NO_LISTS_ERROR = "Select at least one email alert"
UNKNOWN_LIST_ERROR = "Select email alerts from the list"
ONE_CLICK_VALUE = "One-Click"


def consent_text(board) -> str:
    """The consent wording shown beside the checkbox, stored word for word with the sign-up."""
    return (
        f"I agree that {board.name} may keep my email address and the alerts I choose, and use them only "
        "to send me those alerts. I can unsubscribe at any time from the link in every email."
    )


class EmailField(forms.EmailField):
    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", subscriptions.EMAIL_MAX_LENGTH)
        kwargs.setdefault("error_messages", EMAIL_ERRORS)
        kwargs.setdefault("label", "Email address")
        super().__init__(**kwargs)

    def widget_attrs(self, widget):
        # No maxlength attribute: an address that is too long gets a message, not silent truncation.
        attrs = super().widget_attrs(widget)
        attrs.pop("maxlength", None)
        return {**attrs, "autocomplete": "email", "spellcheck": "false"}


class AlertChoicesForm(forms.Form):
    """Which lists (one set of checkboxes per app), how often, and whether only major changes."""

    frequency = forms.ChoiceField(
        label="How often do you want emails?",
        choices=[
            Choice(Frequency.IMMEDIATE, "As it happens", hint="An email each time there is news on a list."),
            Choice(Frequency.WEEKLY, "Weekly digest", hint="One email on Monday morning with the week's news."),
        ],
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select how often you want emails",
            "invalid_choice": "Select how often you want emails",
        },
    )
    major_only = forms.BooleanField(
        label="Only tell me about major changes",
        required=False,
    )
    submit_label = "Save"

    def __init__(self, *args, groups: list[subscriptions.ListGroup], **kwargs):
        super().__init__(*args, **kwargs)
        self.groups = groups
        self.list_field_names = []
        for group in groups:
            name = f"lists_{group.key}"
            self.fields[name] = forms.MultipleChoiceField(
                label=group.title,
                required=False,
                choices=[
                    Choice(item.key, item.title, hint=item.description) if item.description else (item.key, item.title)
                    for item in group.lists
                ],
                widget=forms.CheckboxSelectMultiple,
                error_messages={"invalid_choice": UNKNOWN_LIST_ERROR, "invalid_list": UNKNOWN_LIST_ERROR},
            )
            self.list_field_names.append(name)
        major_lists = [item.title for group in groups for item in group.lists if item.supports_major_only]
        if major_lists:
            self.fields["major_only"].help_text = (
                "For " + ", ".join(major_lists) + ": leave out small corrections and new links."
            )
        else:
            del self.fields["major_only"]
        self.order_fields([*self.list_field_names, "frequency", "major_only"])
        self.helper = FormHelper()
        self.helper.attrs = {"novalidate": ""}
        self.helper.layout = Layout(*self.layout_fields(), Submit("submit", self.submit_label))

    def layout_fields(self) -> list:
        fields = [Field.checkboxes(name, legend_size=Size.SMALL, small=True) for name in self.list_field_names]
        fields.append(Field.radios("frequency", legend_size=Size.MEDIUM, legend_tag="h2"))
        if "major_only" in self.fields:
            fields.append(Field.checkbox("major_only", small=True))
        return fields

    def clean(self):
        cleaned = super().clean()
        keys = [key for name in self.list_field_names for key in cleaned.get(name) or []]
        if self.list_field_names and not keys and not any(name in self.errors for name in self.list_field_names):
            self.add_error(self.list_field_names[0], NO_LISTS_ERROR)
        cleaned["list_keys"] = keys
        cleaned.setdefault("major_only", False)
        return cleaned

    @classmethod
    def initial_for(cls, subscriber: Subscriber) -> dict:
        current = list(subscriber.subscriptions.all())
        initial = {"frequency": Frequency.IMMEDIATE, "major_only": any(sub.major_only for sub in current)}
        if current:
            frequencies = [sub.frequency for sub in current]
            initial["frequency"] = max(set(frequencies), key=frequencies.count)
        for sub in current:
            initial.setdefault(f"lists_{sub.list_key.split('.', 1)[0]}", []).append(sub.list_key)
        return initial


class SubscribeForm(AlertChoicesForm):
    email = EmailField(help_text="Use your work email address if the alerts are for your work.")
    consent = forms.BooleanField(
        error_messages={"required": "Confirm you agree to us keeping your email address to send you alerts"},
    )
    submit_label = "Subscribe"

    def __init__(self, *args, consent_label: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["consent"].label = consent_label

    def layout_fields(self) -> list:
        return [
            *super().layout_fields(),
            Field.text("email", label_size=Size.MEDIUM, label_tag="h2", field_width=Fluid.TWO_THIRDS),
            Field.checkbox("consent", small=True),
        ]


class RequestLinkForm(forms.Form):
    email = EmailField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.attrs = {"novalidate": ""}
        self.helper.layout = Layout(
            Field.text("email", field_width=Fluid.TWO_THIRDS), Submit("submit", "Send me a link")
        )


def _service_error(form: AlertChoicesForm, error: Refused) -> None:
    """A choice the registry no longer accepts (a list withdrawn while the page was open)."""
    target = form.list_field_names[0] if form.list_field_names else None
    form.add_error(target, error.messages[0] if error.messages else UNKNOWN_LIST_ERROR)


@require_http_methods(["GET", "HEAD", "POST"])
def subscribe(request):
    groups = subscriptions.list_groups()
    wording = consent_text(BoardSettings.get_solo())
    if request.method == "POST":
        ratelimit.check(request, "alerts.subscribe", email=request.POST.get("email", ""))
        form = SubscribeForm(request.POST, groups=groups, consent_label=wording)
        if form.is_valid():
            try:
                subscriptions.subscribe(
                    email=form.cleaned_data["email"],
                    list_keys=form.cleaned_data["list_keys"],
                    frequency=form.cleaned_data["frequency"],
                    major_only=form.cleaned_data["major_only"],
                    consent_text=wording,
                )
            except Refused as error:
                _service_error(form, error)
            else:
                return redirect("pages:alerts_check_email")
    else:
        # A link from a page ("Get an email when training places are available") names its list: ticked.
        asked = set(request.GET.getlist("list"))
        initial = {"frequency": Frequency.IMMEDIATE}
        for group in groups:
            if chosen := [item.key for item in group.lists if item.key in asked]:
                initial[f"lists_{group.key}"] = chosen
        form = SubscribeForm(groups=groups, consent_label=wording, initial=initial)
    return render(request, "pages/alerts.html", {"form": form, "groups": groups})


@require_safe
def check_email(request):
    return render(
        request,
        "pages/alerts_check_email.html",
        {"confirm_days": subscriptions.CONFIRM_LINK_LIFETIME.days},
    )


@require_http_methods(["GET", "HEAD", "POST"])
def request_link(request):
    if request.method == "POST":
        ratelimit.check(request, "alerts.manage_link", email=request.POST.get("email", ""))
        form = RequestLinkForm(request.POST)
        if form.is_valid():
            subscriptions.send_manage_link(email=form.cleaned_data["email"])
            return redirect("pages:alerts_check_email")
    else:
        form = RequestLinkForm()
    return render(request, "pages/alerts_request_link.html", {"form": form})


def bad_link(request, error: BadLink):
    """An expired, altered or dead link: say so plainly and offer a new one. Never a 500."""
    if isinstance(error, subscriptions.StaleLink):
        title, status = "This link no longer works", 404
    elif error.expired:
        title, status = "This link has expired", 400
    else:
        title, status = "This link is not valid", 400
    return render(
        request,
        "pages/alerts_bad_link.html",
        {"title": title, "message": str(error), "form": RequestLinkForm()},
        status=status,
    )


@signed_link_page
@require_http_methods(["GET", "HEAD", "POST"])
def confirm(request, token: str):
    try:
        subscriber = subscriptions.subscriber_from_token(subscriptions.CONFIRM_PURPOSE, token)
    except BadLink as error:
        return bad_link(request, error)
    if request.method == "POST":
        try:
            subscriber = subscriptions.confirm(token=token)
        except BadLink as error:
            return bad_link(request, error)
        messages.success(request, "You have subscribed to email alerts")
        return redirect("pages:alerts_manage", token=subscriptions.manage_token(subscriber))
    lists = _subscribed_lists(subscriber)
    return render(request, "pages/alerts_confirm.html", {"subscriber": subscriber, "lists": lists})


def _subscribed_lists(subscriber: Subscriber) -> list[dict]:
    known = {item.key: item for item in subscriptions.all_lists()}
    return [
        {
            "key": sub.list_key,
            "title": known[sub.list_key].title if sub.list_key in known else sub.list_key,
            "frequency": sub.get_frequency_display(),
            "major_only": sub.major_only,
        }
        for sub in subscriber.subscriptions.all()
    ]


@signed_link_page
@require_http_methods(["GET", "HEAD", "POST"])
def manage(request, token: str):
    try:
        subscriber = subscriptions.subscriber_from_token(subscriptions.MANAGE_PURPOSE, token)
    except BadLink as error:
        return bad_link(request, error)
    groups = subscriptions.list_groups()
    if request.method == "POST":
        form = AlertChoicesForm(request.POST, groups=groups)
        if form.is_valid():
            try:
                subscriptions.update_preferences(
                    subscriber=subscriber,
                    list_keys=form.cleaned_data["list_keys"],
                    frequency=form.cleaned_data["frequency"],
                    major_only=form.cleaned_data["major_only"],
                )
            except Refused as error:
                _service_error(form, error)
            else:
                messages.success(request, "Your email alerts have been updated")
                return redirect("pages:alerts_manage", token=token)
    else:
        form = AlertChoicesForm(groups=groups, initial=AlertChoicesForm.initial_for(subscriber))
    context = {
        "subscriber": subscriber,
        "form": form,
        "token": token,
        "lists": _subscribed_lists(subscriber),
    }
    return render(request, "pages/alerts_manage.html", context)


def _csrf_failure(request):
    """Django's own CSRF check, for the one view that must also accept RFC 8058 one-click POSTs."""
    middleware = CsrfViewMiddleware(lambda _request: None)
    middleware.process_request(request)
    return middleware.process_view(request, None, (), {})


@csrf_exempt
@signed_link_page
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request, token: str):
    """GET: a page with a button. POST: unsubscribe from ``?list=`` keys, or from everything.

    A mail client's one-click POST (body ``List-Unsubscribe=One-Click``, RFC 8058) carries no
    CSRF token, and needs none: the signed link is the proof. Any other POST is checked.
    """
    one_click = request.method == "POST" and request.POST.get("List-Unsubscribe") == ONE_CLICK_VALUE
    if request.method == "POST" and not one_click and (failure := _csrf_failure(request)) is not None:
        return failure
    try:
        subscriber = subscriptions.subscriber_from_token(subscriptions.MANAGE_PURPOSE, token)
    except BadLink as error:
        return bad_link(request, error)
    requested = list(dict.fromkeys(key for key in request.GET.getlist("list") if key))[:50]
    current = {item["key"]: item for item in _subscribed_lists(subscriber)}
    everything = not requested
    lists = list(current.values()) if everything else [current[key] for key in requested if key in current]

    if request.method == "POST":
        if everything:
            subscriptions.unsubscribe(subscriber=subscriber)
        else:
            for item in lists:
                subscriptions.unsubscribe(subscriber=subscriber, list_key=item["key"])
        if one_click:
            return render(request, "pages/alerts_unsubscribed.html", {"lists": lists, "everything": everything})
        if everything:
            return redirect("pages:alerts_unsubscribed")
        titles = ", ".join(item["title"] for item in lists)
        messages.success(
            request, f"You have unsubscribed from {titles}" if lists else "You were not getting those alerts"
        )
        return redirect("pages:alerts_manage", token=token)

    context = {
        "lists": lists,
        "everything": everything,
        "token": token,
        "manage_url": reverse("pages:alerts_manage", args=[token]),
        "action": request.get_full_path(),
    }
    return render(request, "pages/alerts_unsubscribe.html", context)


@require_safe
def unsubscribed(request):
    return render(request, "pages/alerts_unsubscribed.html", {"everything": True})
