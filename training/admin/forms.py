"""The forms of the training back office: a session's details and the task pages' questions."""

from django import forms
from django.db.models import Count

from lscb_portal.core.errors import Refused, add_to_form
from lscb_portal.core.models import Organisation

from .. import services
from ..models import Session, Venue


class SessionPartFormSet(forms.BaseInlineFormSet):
    """A session's dates: asked of the service's own check, so the page says what it would refuse."""

    def part_dates(self) -> list[services.PartDates]:
        return [
            services.PartDates(starts_at=form.cleaned_data["starts_at"], ends_at=form.cleaned_data["ends_at"])
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE") and form.cleaned_data.get("starts_at")
        ]

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        try:
            services.check_parts(self.part_dates())
        except Refused as refused:
            raise forms.ValidationError(str(refused)) from None
        # Dates being set now only (new, or moved): the dates already saved were checked when they were set.
        being_set = [
            services.PartDates(starts_at=form.cleaned_data["starts_at"], ends_at=form.cleaned_data["ends_at"])
            for form in self.forms
            if form.cleaned_data
            and not form.cleaned_data.get("DELETE")
            and form.cleaned_data.get("starts_at")
            and (form.instance.pk is None or {"starts_at", "ends_at"} & set(form.changed_data))
        ]
        warnings = services.session_date_warnings(parts=being_set)
        if warnings and not forms.CheckboxInput().value_from_datadict(self.data, self.files, "save_anyway"):
            raise forms.ValidationError(
                [
                    *warnings,
                    "Check the dates, or tick “Save anyway” (under Places and booking) to save them as they are.",
                ]
            )


class SessionAdminForm(forms.ModelForm):
    save_anyway = forms.BooleanField(
        label="Save anyway",
        required=False,
        help_text=(
            "Tick to save dates on a weekend or already past, or a limit per organisation below what one already "
            "holds, once you have checked them."
        ),
    )

    class Meta:
        model = Session
        fields = [
            "course",
            "starts_at",
            "ends_at",
            "trainer_records",
            "venue",
            "joining_url",
            "capacity",
            "places_per_organisation",
            "booking_opens_at",
            "booking_closes_at",
            "status",
            "cancelled_reason",
        ]

    def clean(self):
        cleaned = super().clean()
        starts, ends, closes = cleaned.get("starts_at"), cleaned.get("ends_at"), cleaned.get("booking_closes_at")
        # Once saved, a session's start and end are the span of its dates, set below the form.
        ends = ends or self.instance.ends_at
        if starts and ends and ends <= starts:
            self.add_error("ends_at", "The session must end after it starts.")
        if closes and ends and closes > ends:
            self.add_error("booking_closes_at", "Booking must close before the session ends.")
        elif "booking_opens_at" not in self.errors and "booking_closes_at" not in self.errors:
            try:
                services.check_booking_dates(
                    opens=cleaned.get("booking_opens_at"), closes=closes, starts=starts or self.instance.starts_at
                )
            except Refused as refused:
                add_to_form(self, refused)
        if not self.errors and not cleaned.get("save_anyway"):
            # Dates being set now only: the dates already saved were checked when they were set.
            warnings = services.session_date_warnings(
                starts=starts if "starts_at" in self.changed_data else None,
                closes=closes if "booking_closes_at" in self.changed_data else None,
            )
            if "places_per_organisation" in self.changed_data:
                warnings += services.cap_warnings(self.instance, cleaned.get("places_per_organisation"))
            if warnings:
                self.add_error("save_anyway", [*warnings, "Check these, or tick “Save anyway” to save as it is."])
        capacity = cleaned.get("capacity")
        if self.instance.pk and capacity is not None:
            # Asked here for a message beside the field; the service asks again under the session's lock.
            try:
                services.check_capacity(self.instance, capacity)
            except Refused as refused:
                add_to_form(self, refused)
        return cleaned

    def save(self, commit=True):
        # The chosen venue's details and trainers' names are copied onto the session: its pages, emails and
        # history show them as they were when chosen (see services.venues).
        session = super().save(commit=False)
        if "venue" in self.changed_data:
            previous = Venue.objects.filter(pk=self.initial["venue"]).first() if self.initial.get("venue") else None
            services.venue_copy_to(session, self.cleaned_data["venue"], previous=previous)
        if "trainer_records" in self.changed_data:
            session.trainers = services.trainer_names(self.cleaned_data["trainer_records"])
        if commit:
            session.save()
            self._save_m2m()
        return session


class AttendeesEmailForm(forms.Form):
    subject = forms.CharField(max_length=200)
    message = forms.CharField(widget=forms.Textarea(attrs={"rows": 8, "cols": 80}))


class MergeOrganisationsForm(forms.Form):
    source = forms.ModelChoiceField(
        label="Unverified organisation",
        queryset=Organisation.objects.filter(verified=False, merged_into__isnull=True).annotate(
            bookings=Count("training_bookings")
        ),
        help_text="The name a booker typed.",
    )
    into = forms.ModelChoiceField(
        label="Merge into", queryset=Organisation.objects.verified(), help_text="The organisation's proper record."
    )


class WaiveForm(forms.Form):
    reason = forms.CharField(max_length=255, help_text="Why the charge is waived (shown in the board's report).")
