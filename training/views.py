"""Public training pages. Thin: validate, call a service or selector, redirect.

Practitioners have no account: everything about a booking is reached through a
signed link (``training.links``), and every change is a POST behind a confirm page.
"""

from functools import partial

from django.contrib import messages
from django.core.paginator import Page
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from lscb_portal.core import pagecache, pagination, ratelimit
from lscb_portal.core.downloads import stored_file_response
from lscb_portal.core.errors import Refused, add_to_form
from lscb_portal.core.forms import blank_form_html
from lscb_portal.core.signing import BadLink, signed_link_page

from . import calendars, links, selectors, services
from .forms import (
    NOMINEE_ROWS,
    BookingForm,
    EvaluationForm,
    MyTrainingForm,
    NominationForm,
    NomineeFormSet,
    ProgrammeFilterForm,
    TransferForm,
    empty_booking_form,
    empty_programme_filter,
    nominee_rows,
    organisation_names,
)
from .models import Booking, BookingStatus, Certificate, Session
from .templatetags.training_tags import keep_lines

BOOKED_SESSION_KEY = "training_booked"
NOMINATED_SESSION_KEY = "training_nominated"


def index(request):
    # Kept as a fragment: the programme's places change with every booking, its topics seldom.
    topics = pagecache.fragment(
        request, ("training.topics_in_use",), shows=["topics", "training"], build=selectors.topics_in_use
    )
    # Most readers ask for the programme as it is: its filter is then the blank form, rendered once for
    # each set of choices (the topics in use, the next twelve months), with no form to build.
    form = ProgrammeFilterForm(request.GET, topics=topics) if request.GET else None
    filters = form.filters() if form is not None else selectors.ProgrammeFilters()
    number = request.GET.get("page")
    if filters.has_places:
        page = selectors.programme(filters=filters, page=number)
    else:
        # Kept as a fragment while the sessions stay as they are: a booking changes only the places, read afresh.
        page = selectors.with_current_places(
            pagecache.fragment(
                request,
                ("training.programme", filters, number),
                shows=["training"],
                build=lambda: _kept_programme(filters, number),
            )
        )
    url_for = partial(pagination.page_url, reverse("training:index"), request.GET)
    context = {
        "form": form,
        "blank_form": None
        if form is not None
        else blank_form_html(request, empty_programme_filter, *ProgrammeFilterForm.choices(topics)),
        "page": page,
        "sessions": page.object_list,
        "pagination": pagination.page_links(page, url_for=url_for),
    }
    return render(request, "training/index.html", context)


def _kept_programme(filters: selectors.ProgrammeFilters, number) -> Page:
    page = selectors.programme(filters=filters, page=number, places=False)
    keep_lines(page.object_list)
    return page


def _organisation_names(request) -> list[str]:
    """The verified organisations' names the booking and nomination forms suggest, kept while they stand."""
    return pagecache.fragment(
        request, ("training.organisation_names",), shows=["organisations"], build=organisation_names
    )


def _kept_session(pk: int) -> Session:
    """The session for its page, kept as a fragment; a session that is not there is not kept (so unknown numbers
    fill nothing)."""
    found = selectors.session_for_page(pk=pk)
    if found is None:
        raise Http404("No such session")
    return found


def course(request, slug: str):
    found = selectors.course_detail(slug=slug)
    if found is None:
        raise Http404("No such course")
    return render(request, "training/course.html", {"course": found, "sessions": found.upcoming_sessions})


def _attendee(form: BookingForm) -> services.Attendee:
    data = form.cleaned_data
    return services.Attendee(
        name=data["attendee_name"],
        email=data["email"],
        phone=data["phone"],
        organisation=form.organisation_meant(),
        role=data["role"],
        manager_name=data["manager_name"],
        manager_email=data["manager_email"],
        access_needs=data["access_needs"],
        dietary_needs=data["dietary_needs"],
    )


@require_http_methods(["GET", "HEAD", "POST"])
def session(request, pk: int):
    if request.method == "POST":
        found = selectors.session_detail(pk=pk)
    else:
        # Kept while the sessions stand; a booking changes only the places, read afresh.
        kept = pagecache.fragment(
            request, ("training.session", pk), shows=["training", "topics"], build=partial(_kept_session, pk)
        )
        found = selectors.with_places_now(kept)
    if found is None:
        raise Http404("No such session")
    names = _organisation_names(request)
    form = None
    if request.method == "POST":
        ratelimit.check(request, "training.book", email=request.POST.get("email"))
        form = BookingForm(request.POST, course=found.course, organisation_names=names)
        if form.is_valid():
            try:
                booking = services.booking_create(
                    session=found,
                    attendee=_attendee(form),
                    eligibility_confirmed=form.cleaned_data.get("eligibility", False),
                )
            except Refused as refused:
                if isinstance(refused, services.AlreadyBooked):
                    services.booking_details_resend(booking=refused.booking)
                add_to_form(form, refused)
            else:
                request.session[BOOKED_SESSION_KEY] = booking.reference
                return redirect("training:booked", pk=found.pk)
    state = services.booking_state(found, timezone.now())
    blank_form = None
    if state == services.BookingState.OPEN and form is None:
        course = found.course
        blank_form = blank_form_html(
            request, empty_booking_form, course.requires_manager_approval, course.eligibility, tuple(names)
        )
    context = {"session": found, "course": found.course, "form": form, "blank_form": blank_form, "state": state}
    return render(request, "training/session.html", context)


@never_cache
def booked(request, pk: int):
    """What happened after booking: confirmed, waiting, or waiting for the manager. Never stored: it names the
    booker and the reference."""
    reference = request.session.get(BOOKED_SESSION_KEY)
    booking = (
        Booking.objects.select_related("session__course").filter(reference=reference, session_id=pk).first()
        if reference
        else None
    )
    if booking is None:
        return redirect("training:session", pk=pk)
    context = {"booking": booking, "session": booking.session, "waiting_position": selectors.waiting_position(booking)}
    return render(request, "training/booked.html", context)


def _manager_typed(data) -> dict:
    """The manager's details as typed, to fill the form in again after "Add another member of staff"."""
    fields = ("manager_name", "email", "organisation", "role")
    typed = {name: str(data.get(name, ""))[:254] for name in fields}
    return {
        **typed,
        "eligibility": bool(data.get("eligibility")),
        "manager_confirms": bool(data.get("manager_confirms")),
    }


def _nomination_outcomes(results: list[services.NominationResult]) -> list[dict]:
    """What the confirmation page shows of each person, kept in the browser's session until the next nomination."""
    return [
        {
            "name": result.booking.attendee_name if result.booking else result.nominee.name.strip(),
            "email": result.booking.email if result.booking else result.nominee.email.strip().lower(),
            "outcome": str(result.outcome),
            "reference": result.booking.reference if result.booking else "",
            "waiting_position": result.waiting_position,
            "refusal": result.refusal,
        }
        for result in results
    ]


@require_http_methods(["GET", "HEAD", "POST"])
def nominate(request, pk: int):
    """A manager nominates one or several of their staff: one form, a row for each person. "Add another member
    of staff" posts the form back with one more row (it works without JavaScript) and books nobody."""
    found = selectors.session_detail(pk=pk)
    if found is None:
        raise Http404("No such session")
    course = found.course
    state = services.booking_state(found, timezone.now())
    names = _organisation_names(request)
    rows_full = False
    if request.method == "POST" and state == services.BookingState.OPEN and "add_row" in request.POST:
        rows = nominee_rows(request.POST, add=1)
        rows_full = len(rows) >= services.MAX_NOMINEES
        form = NominationForm(initial=_manager_typed(request.POST), course=course, organisation_names=names)
        formset = NomineeFormSet(initial=rows)
    elif request.method == "POST" and state == services.BookingState.OPEN:
        ratelimit.check(request, "training.nominate", email=request.POST.get("email"))
        form = NominationForm(request.POST, course=course, organisation_names=names)
        form.is_valid()  # the manager's address, when valid, is checked against the rows even if the rest is not
        formset = NomineeFormSet(request.POST, manager_email=form.cleaned_data.get("email", ""))
        if not formset.management_form.is_valid():
            # Only a page tampered with loses the rows' count: start the rows again rather than show none.
            form.add_error(None, "The list of staff was not sent. Enter your staff again.")
            formset = NomineeFormSet(initial=[{}] * NOMINEE_ROWS)
        if form.is_valid() and formset.is_valid():
            data = form.cleaned_data
            manager = services.Manager(
                name=data["manager_name"],
                email=data["email"],
                organisation=form.organisation_meant(),
                role=data["role"],
            )
            try:
                results = services.nomination_create(
                    session=found,
                    manager=manager,
                    nominees=formset.nominees(),
                    eligibility_confirmed=data.get("eligibility", False),
                )
            except Refused as refused:
                if isinstance(refused, services.NobodyNominated):
                    for booking in refused.already_booked:
                        services.booking_details_resend(booking=booking)
                add_to_form(form, refused)
            else:
                request.session[NOMINATED_SESSION_KEY] = {
                    "session": found.pk,
                    "manager_email": manager.email.strip().lower(),
                    "results": _nomination_outcomes(results),
                }
                return redirect("training:nominated", pk=found.pk)
    else:
        form = NominationForm(course=course, organisation_names=names)
        formset = NomineeFormSet(initial=[{}] * NOMINEE_ROWS)
    has_errors = bool(form.errors) or (formset.is_bound and (any(formset.errors) or bool(formset.non_form_errors())))
    context = {
        "session": found,
        "course": course,
        "form": form,
        "formset": formset,
        "state": state,
        "has_errors": has_errors,
        "rows_full": rows_full or formset.total_form_count() >= services.MAX_NOMINEES,
        "max_nominees": services.MAX_NOMINEES,
    }
    return render(request, "training/nominate.html", context)


@never_cache
def nominated(request, pk: int):
    """What happened to each person nominated. Found through the browser's session, never stored: it names them."""
    kept = request.session.get(NOMINATED_SESSION_KEY)
    if not kept or kept.get("session") != pk:
        return redirect("training:nominate", pk=pk)
    found = Session.objects.public().select_related("course").prefetch_related("parts").filter(pk=pk).first()
    if found is None:
        raise Http404("No such session")
    results = kept["results"]
    context = {
        "session": found,
        "course": found.course,
        "manager_email": kept["manager_email"],
        "confirmed": [each for each in results if each["outcome"] == "confirmed"],
        "waiting": [each for each in results if each["outcome"] == "waiting"],
        "refused": [each for each in results if each["outcome"] == "refused"],
    }
    return render(request, "training/nominated.html", context)


def session_calendar(request, pk: int):
    found = Session.objects.public().select_related("course").filter(pk=pk).first()
    if found is None:
        raise Http404("No such session")
    return _calendar_response(found)


def _calendar_response(found: Session, *, joining_url: str = "") -> HttpResponse:
    response = HttpResponse(
        calendars.session_calendar(found, joining_url=joining_url), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{calendars.filename_for(found)}"'
    return response


def _bad_link(request, problem: BadLink) -> HttpResponse:
    status = 410 if problem.expired else 400
    return render(request, "training/link_problem.html", {"problem": problem}, status=status)


def _booking_or_problem(request, token: str):
    try:
        return links.booking_from_token(token), None
    except BadLink as problem:
        return None, _bad_link(request, problem)


@signed_link_page
def booking(request, token: str):
    found, problem = _booking_or_problem(request, token)
    if problem:
        return problem
    context = {
        "booking": found,
        "session": found.session,
        "token": token,
        "is_confirmed": found.status == BookingStatus.CONFIRMED,
        "cancel_state": services.cancel_state(found, timezone.now()),
        "waiting_position": selectors.waiting_position(found),
    }
    if found.status == BookingStatus.OFFERED:
        context["offer_url"] = reverse("training:offer", kwargs={"token": links.offer_token(found)})
    return render(request, "training/booking.html", context)


@signed_link_page
def booking_calendar(request, token: str):
    found, problem = _booking_or_problem(request, token)
    if problem:
        return problem
    confirmed = found.status == BookingStatus.CONFIRMED
    return _calendar_response(found.session, joining_url=found.session.joining_url if confirmed else "")


@signed_link_page
@require_http_methods(["GET", "HEAD", "POST"])
def booking_cancel(request, token: str):
    found, problem = _booking_or_problem(request, token)
    if problem:
        return problem
    if request.method == "POST":
        try:
            services.booking_cancel(booking=found)
        except Refused as refused:
            messages.error(request, str(refused))
        else:
            messages.success(request, "Your booking has been cancelled. We have emailed you to confirm.")
        return redirect("training:booking", token=token)
    context = {
        "booking": found,
        "session": found.session,
        "token": token,
        "cancel_state": services.cancel_state(found, timezone.now()),
    }
    return render(request, "training/booking_cancel.html", context)


@signed_link_page
@require_http_methods(["GET", "HEAD", "POST"])
def booking_transfer(request, token: str):
    found, problem = _booking_or_problem(request, token)
    if problem:
        return problem
    form = TransferForm(request.POST or None, booking=found)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        colleague = services.Colleague(
            name=data["attendee_name"],
            email=data["email"],
            role=data["role"],
            phone=data["phone"],
            manager_name=data.get("manager_name", ""),
            manager_email=data.get("manager_email", ""),
        )
        try:
            new = services.booking_transfer(booking=found, colleague=colleague)
        except Refused as refused:
            add_to_form(form, refused)
        else:
            message = f"Your place has passed to {new.attendee_name}. We have emailed them the details."
            if new.status == BookingStatus.PENDING_APPROVAL:
                message += f" We have asked {new.manager_name or new.manager_email} to approve their place."
            messages.success(request, message)
            return redirect("training:booking", token=token)
    context = {
        "booking": found,
        "session": found.session,
        "token": token,
        "form": form,
        "cancel_state": services.cancel_state(found, timezone.now()),
    }
    return render(request, "training/booking_transfer.html", context)


@signed_link_page
@require_http_methods(["GET", "HEAD", "POST"])
def offer(request, token: str):
    try:
        found = links.booking_from_offer_token(token)
    except BadLink as problem:
        return _bad_link(request, problem)
    if request.method == "POST":
        decision = request.POST.get("decision")
        try:
            if decision == "accept":
                services.offer_accept(booking=found)
                messages.success(request, "You have accepted the place. We have emailed you the details.")
            elif decision == "decline":
                services.offer_decline(booking=found)
                messages.success(request, "You have declined the place. It will be offered to the next person.")
            else:
                messages.error(request, "Choose whether to accept or decline the place.")
                return redirect("training:offer", token=token)
        except Refused as refused:
            messages.error(request, str(refused))
            return redirect("training:offer", token=token)
        return redirect("training:booking", token=links.booking_token(found))
    return render(request, "training/offer.html", {"booking": found, "session": found.session})


@signed_link_page
@require_http_methods(["GET", "HEAD", "POST"])
def approval(request, token: str):
    try:
        found = links.booking_from_approval_token(token)
    except BadLink as problem:
        return _bad_link(request, problem)
    if request.method == "POST":
        decision = request.POST.get("decision")
        if decision not in ("approve", "decline"):
            messages.error(request, "Choose whether to approve or decline the booking.")
        else:
            try:
                services.approval_decide(booking=found, approve=decision == "approve")
            except Refused as refused:
                messages.error(request, str(refused))
            else:
                outcome = "approved" if decision == "approve" else "declined"
                messages.success(request, f"You have {outcome} the booking. We have emailed {found.attendee_name}.")
        return redirect("training:approval", token=token)
    return render(request, "training/approval.html", {"booking": found, "session": found.session})


@require_http_methods(["GET", "HEAD", "POST"])
def my_training(request):
    form = MyTrainingForm(request.POST or None)
    if request.method == "POST":
        ratelimit.check(request, "training.my", email=request.POST.get("email"))
        if form.is_valid():
            email = form.cleaned_data["email"]
            services.my_training_link_send(email=email)
            messages.success(
                request,
                f"If there are bookings for {email}, we have sent a link to them. Check your email: "
                "the link works for 3 days.",
            )
            return redirect("training:my_training")
    return render(request, "training/my_training.html", {"form": form})


@signed_link_page
def my_bookings(request, token: str):
    try:
        email = links.email_from_my_training_token(token)
    except BadLink as problem:
        return _bad_link(request, problem)
    bookings = selectors.bookings_for_email(email=email)
    for item in bookings:
        item.link = reverse("training:booking", kwargs={"token": links.booking_token(item)})
    groups = selectors.group_my_bookings(bookings)
    for item in groups["evaluations_due"]:
        item.evaluation_link = reverse("training:evaluation", kwargs={"token": links.evaluation_token(item)})
    for item in groups["certificates"]:
        item.certificate_link = reverse("training:certificate", kwargs={"token": links.certificate_token(item)})
    return render(request, "training/my_bookings.html", {"email": email, "groups": groups, "count": len(bookings)})


@signed_link_page
@require_http_methods(["GET", "HEAD", "POST"])
def evaluation(request, token: str):
    try:
        found = links.booking_from_evaluation_token(token)
    except BadLink as problem:
        return _bad_link(request, problem)
    if services.certificate_available(found):
        return redirect("training:certificate", token=links.certificate_token(found))
    form = EvaluationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.evaluation_submit(booking=found, answers=services.EvaluationAnswers(**form.cleaned_data))
        except Refused as refused:
            add_to_form(form, refused)
        else:
            messages.success(request, "Thank you. Your evaluation has been sent and your certificate is ready.")
            return redirect("training:certificate", token=links.certificate_token(found))
    context = {
        "booking": found,
        "session": found.session,
        "form": form,
        "can_evaluate": found.status == BookingStatus.ATTENDED,
    }
    return render(request, "training/evaluation.html", context)


def _certificate_booking(request, token: str):
    try:
        found = links.booking_from_certificate_token(token)
    except BadLink as problem:
        return None, _bad_link(request, problem)
    if not services.certificate_available(found):
        evaluation_url = (
            reverse("training:evaluation", kwargs={"token": links.evaluation_token(found)})
            if found.status == BookingStatus.ATTENDED
            else ""
        )
        context = {"booking": found, "session": found.session, "evaluation_url": evaluation_url}
        return None, render(request, "training/certificate_unavailable.html", context, status=403)
    return found, None


@signed_link_page
def certificate(request, token: str):
    found, problem = _certificate_booking(request, token)
    if problem:
        return problem
    context = {
        "booking": found,
        "session": found.session,
        "course": found.session.course,
        "token": token,
        "certificate": Certificate.objects.filter(booking=found).first(),
    }
    return render(request, "training/certificate.html", context)


@signed_link_page
def certificate_pdf(request, token: str):
    """The certificate's PDF as the worker made and stored it (training/certificates.py): never rendered here."""
    found, problem = _certificate_booking(request, token)
    if problem:
        return problem
    kept = Certificate.objects.filter(booking=found).exclude(pdf="").first()
    if kept is None:
        return redirect("training:certificate", token=token)
    return stored_file_response(
        kept.pdf, filename=f"certificate-{found.reference}.pdf", content_type="application/pdf", as_attachment=True
    )
