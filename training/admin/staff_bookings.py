"""The session's bookings page: the training team adds delegates (one, or a pasted list) and moves bookings.

Each write is a service (``services.bookings_add``, ``services.booking_move``), so the team's bookings keep
the capacity, the waiting list's order, the cap per organisation and one booking per address.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone

from lscb_portal.core.errors import Refused, add_to_form
from lscb_portal.core.models import OutboxStatus

from .. import services
from ..models import Booking, BookingStatus, Session, SessionStatus

# More than a session ever holds with its waiting list; a longer paste is a mistake, not a list.
MOST_LINES = 300
NAME_LENGTH = Booking._meta.get_field("attendee_name").max_length
EMAIL_LENGTH = Booking._meta.get_field("email").max_length
ROLE_LENGTH = Booking._meta.get_field("role").max_length
ORGANISATION_LENGTH = 200

NOTIFY_HELP = "Untick if you have already told them: no email is sent, and the booking says so."
ADD_NEW_HELP = (
    "An organisation spelt like one on the list is refused with a suggestion; tick to add it as a new, "
    "unverified organisation instead."
)


def _check_fields(name: str, email: str, organisation: str, role: str = "") -> list[str]:
    problems = []
    if not name:
        problems.append("The name is missing.")
    elif len(name) > NAME_LENGTH:
        problems.append(f"The name is longer than {NAME_LENGTH} characters.")
    try:
        if len(email) > EMAIL_LENGTH:
            raise ValidationError("too long")
        validate_email(email)
    except ValidationError:
        problems.append(f"“{email[:60]}” is not an email address.")
    if not organisation:
        problems.append("The organisation is missing.")
    elif len(organisation) > ORGANISATION_LENGTH:
        problems.append(f"The organisation is longer than {ORGANISATION_LENGTH} characters.")
    if len(role) > ROLE_LENGTH:
        problems.append(f"The job title is longer than {ROLE_LENGTH} characters.")
    return problems


def parse_delegates(text: str) -> tuple[list[services.Delegate], list[str]]:
    """The delegates in a pasted list, one a line, and a message for each line that is not one.

    A line is "name, email, organisation", or cells copied from a spreadsheet (separated by tabs) in
    that order, with the job title in a fourth cell if there is one. The email address is the cell with
    an "@": what comes before it is the name (first and last name cells are joined), what comes after
    it the organisation (commas and all, "Leicester City Council, Children's Services"). Blank lines
    and a first line of column headings are skipped.
    """
    delegates, problems, seen = [], [], {}
    first = True
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        tabbed = "\t" in line
        cells = [" ".join(cell.split()) for cell in line.split("\t" if tabbed else ",")]
        at = [index for index, cell in enumerate(cells) if "@" in cell]
        if first and not at and "email" in line.lower():
            first = False
            continue  # the spreadsheet's headings
        first = False
        if len(at) != 1:
            problems.append(
                f"Line {number}: {'No email address' if not at else 'More than one email address'} found. "
                "Write each delegate on a line of their own as: name, email, organisation."
            )
            continue
        index = at[0]
        name = " ".join(cell for cell in cells[:index] if cell) if tabbed else ", ".join(c for c in cells[:index] if c)
        after = [cell for cell in cells[index + 1 :] if cell]
        role = ""
        if tabbed:
            organisation, role = (after[0] if after else ""), " ".join(after[1:])
        else:
            organisation = ", ".join(after)
        email = cells[index].strip("<>").lower()
        found = _check_fields(name, email, organisation, role)
        if not found and email in seen:
            found = [f"{email} is also on line {seen[email]}."]
        if found:
            problems.append(f"Line {number}: {' '.join(found)}")
            continue
        seen[email] = number
        attendee = services.Attendee(name=name, email=email, organisation=organisation, role=role)
        delegates.append(services.Delegate(line=number, attendee=attendee))
    if not delegates and not problems:
        problems.append("Paste at least one delegate: name, email, organisation.")
    if len(delegates) + len(problems) > MOST_LINES:
        problems = [f"Paste at most {MOST_LINES} delegates at a time."]
    return delegates, problems


class DelegateForm(forms.Form):
    """One delegate, as the team takes them on the phone."""

    name = forms.CharField(max_length=NAME_LENGTH)
    email = forms.EmailField(label="Work email", max_length=EMAIL_LENGTH)
    organisation = forms.CharField(max_length=ORGANISATION_LENGTH)
    role = forms.CharField(label="Job title (optional)", max_length=ROLE_LENGTH, required=False)
    phone = forms.CharField(label="Phone (optional)", max_length=40, required=False)
    access_needs = forms.CharField(
        label="Access needs (optional)", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    dietary_needs = forms.CharField(
        label="Dietary needs (optional)", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    notify = forms.BooleanField(label="Email the delegate their booking", required=False, help_text=NOTIFY_HELP)
    add_new = forms.BooleanField(
        label="Add the organisation if it is not on the list", required=False, help_text=ADD_NEW_HELP
    )

    def delegates(self) -> list[services.Delegate]:
        data = self.cleaned_data
        attendee = services.Attendee(
            name=data["name"].strip(),
            email=data["email"],
            organisation=data["organisation"],
            role=data["role"],
            phone=data["phone"],
            access_needs=data["access_needs"],
            dietary_needs=data["dietary_needs"],
        )
        return [services.Delegate(line=1, attendee=attendee)]


class DelegateListForm(forms.Form):
    """Many delegates at once, pasted as lines or from a spreadsheet."""

    lines = forms.CharField(
        label="Delegates, one a line",
        max_length=60_000,
        widget=forms.Textarea(attrs={"rows": 10, "cols": 80, "spellcheck": "false"}),
        help_text="Name, email, organisation on each line, or columns copied from a spreadsheet in that order "
        "(a fourth column is the job title). If any line has a problem, nobody is booked: correct the "
        "lines named and send the list again.",
    )
    notify = forms.BooleanField(label="Email each delegate their booking", required=False, help_text=NOTIFY_HELP)
    add_new = forms.BooleanField(
        label="Add organisations that are not on the list", required=False, help_text=ADD_NEW_HELP
    )

    def clean_lines(self):
        self.parsed, problems = parse_delegates(self.cleaned_data["lines"])
        if problems:
            raise ValidationError(problems)
        return self.cleaned_data["lines"]

    def delegates(self) -> list[services.Delegate]:
        return self.parsed


class MoveForm(forms.Form):
    to_session = forms.ModelChoiceField(
        label="Move to", queryset=Session.objects.none(), widget=forms.RadioSelect, empty_label=None
    )
    notify = forms.BooleanField(
        label="Email the delegate the new date", required=False, initial=True, help_text=NOTIFY_HELP
    )

    def __init__(self, *args, booking: Booking, now, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_session"].queryset = (
            Session.objects.filter(course=booking.session.course_id, status=SessionStatus.SCHEDULED, starts_at__gt=now)
            .exclude(pk=booking.session_id)
            .select_related("course")
            .with_places()
            .order_by("starts_at")
        )
        self.fields["to_session"].label_from_instance = _session_choice


def _session_choice(session: Session) -> str:
    left = session.places_remaining()
    places = "full" if left == 0 else f"{left} {'place' if left == 1 else 'places'} left"
    waiting = f", {session.waiting_count} waiting" if session.waiting_count else ""
    when = timezone.localtime(session.starts_at)
    return f"{when:%A %-d %B %Y, %H:%M}, {session.venue_name or 'online'} ({places}{waiting})"


EMAIL_STATUS_LABELS = {
    OutboxStatus.PENDING: "Waiting to send",
    OutboxStatus.SENDING: "Waiting to send",
    OutboxStatus.SENT: "Sent",
    OutboxStatus.FAILED: "Failed",
}


def email_status_text(booking: Booking) -> str:
    """The latest email to the delegate about ``booking`` in a word or two (needs ``with_email_status()``)."""
    return EMAIL_STATUS_LABELS.get(booking.email_status, "Not emailed")


def _added_message(booked: list[Booking], notify: bool) -> str:
    confirmed = [b for b in booked if b.status == BookingStatus.CONFIRMED]
    waiting = [b for b in booked if b.status == BookingStatus.WAITING]
    parts = [f"Booked {len(confirmed)} {'delegate' if len(confirmed) == 1 else 'delegates'}"]
    if waiting:
        names = ", ".join(b.attendee_name for b in waiting)
        parts.append(f"the session was full for {len(waiting)}, who joined the waiting list: {names}")
    said = "; ".join(parts) + "."
    return said + (" Each was emailed." if notify else " Nobody was emailed.")


class StaffBookingsView:
    """A session's bookings, live and cancelled apart, with the team's forms to add and move delegates."""

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/bookings/", view(self.bookings_view), name="training_session_bookings"),
            path(
                "<int:pk>/bookings/<int:booking_pk>/move/",
                view(self.booking_move_view),
                name="training_session_booking_move",
            ),
            *super().get_urls(),
        ]

    def _session_for(self, request, pk: int) -> Session:
        session = get_object_or_404(Session.objects.select_related("course").with_places(), pk=pk)
        if not self.has_change_permission(request, session):
            raise PermissionDenied
        return session

    def bookings_view(self, request, pk: int):
        session = self._session_for(request, pk)
        url = reverse("admin:training_session_bookings", args=[session.pk])
        which = request.POST.get("form") if request.method == "POST" else None
        one = DelegateForm(request.POST if which == "one" else None, prefix="one", initial={"notify": True})
        many = DelegateListForm(request.POST if which == "list" else None, prefix="list", initial={"notify": True})
        form = {"one": one, "list": many}.get(which)
        if form is not None and form.is_valid():
            try:
                booked = services.bookings_add(
                    session=session,
                    delegates=form.delegates(),
                    notify=form.cleaned_data["notify"],
                    add_new_organisations=form.cleaned_data["add_new"],
                )
            except Refused as refused:
                if form is one:
                    add_to_form(form, refused)
                else:
                    form.add_error("lines", refused)
            else:
                self.message_user(request, _added_message(booked, form.cleaned_data["notify"]), messages.SUCCESS)
                return redirect(url)
        bookings = list(
            session.bookings.select_related("organisation")
            .with_waiting_position()
            .with_email_status()
            .order_by("sequence")
        )
        for booking in bookings:
            booking.email_status_text = email_status_text(booking)
        context = {
            **self.admin_site.each_context(request),
            "title": f"Bookings: {session}",
            "session": session,
            "one": one,
            "many": many,
            "live": [b for b in bookings if b.is_live],
            "cancelled": [b for b in bookings if not b.is_live],
            "can_book": session.status == SessionStatus.SCHEDULED and not session.has_started(),
            "movable": services.CANCELLABLE,
            "opts": self.model._meta,
            "list_url": reverse("admin:training_booking_changelist") + f"?session={session.pk}",
        }
        return TemplateResponse(request, "training/admin/session_bookings.html", context)

    def booking_move_view(self, request, pk: int, booking_pk: int):
        session = self._session_for(request, pk)
        booking = get_object_or_404(session.bookings.select_related("organisation"), pk=booking_pk)
        booking.session = session
        now = timezone.now()
        form = MoveForm(request.POST if request.method == "POST" else None, booking=booking, now=now)
        if form.is_valid():
            try:
                moved = services.booking_move(
                    booking=booking, to_session=form.cleaned_data["to_session"], notify=form.cleaned_data["notify"]
                )
            except Refused as refused:
                add_to_form(form, refused)
            else:
                state = "on the waiting list" if moved.status == BookingStatus.WAITING else "with a confirmed place"
                emailed = "emailed" if form.cleaned_data["notify"] else "not emailed"
                self.message_user(
                    request,
                    f"{moved.attendee_name} ({moved.reference}) moved to {moved.session}, {state}; {emailed}.",
                    messages.SUCCESS,
                )
                return redirect("admin:training_session_bookings", session.pk)
        context = {
            **self.admin_site.each_context(request),
            "title": f"Move {booking.attendee_name} to another date",
            "session": session,
            "booking": booking,
            "form": form,
            "can_move": booking.status in services.CANCELLABLE and not session.has_started(now),
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "training/admin/booking_move.html", context)
