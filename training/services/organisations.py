"""The organisations bookers name: found or added as they type, and merged into the right record."""

from django.db import IntegrityError, transaction

from lscb_portal.core.errors import Refused
from lscb_portal.core.models import Organisation

from ..models import Booking, Charge


def organisation_for_name(*, name: str) -> Organisation:
    """The organisation a booker typed: an existing one (ignoring case), or a new unverified one.

    A new one is not a partner agency until staff confirm it (the partner rate is the board's to give).
    The booking form has already asked "did you mean" (``Organisation.objects.similar_to``) and the booker
    insisted. Merged records are followed to the record they were merged into.
    """
    name = " ".join(name.split())
    organisation = Organisation.objects.filter(name__iexact=name).select_related("merged_into").first()
    if organisation is None:
        try:
            with transaction.atomic():
                return Organisation.objects.create(name=name, verified=False, is_partner=False)
        except IntegrityError:  # someone created it at the same moment
            organisation = Organisation.objects.get(name__iexact=name)
    seen = set()
    while organisation.merged_into_id and organisation.pk not in seen:
        seen.add(organisation.pk)
        organisation = organisation.merged_into
    return organisation


def organisation_for_staff(*, name: str, add_new: bool = False) -> Organisation:
    """The organisation the training team typed for a delegate, matched as a booker's is, without asking.

    Its own name (ignoring case), or the one record whose name matches it loosely ("Riverside Primary" is
    "Riverside Primary School"), is that organisation. A name only spelt like others on the list is
    refused with what it might be, unless ``add_new``: then, like a name like no other, it is added as a
    new unverified organisation.
    """
    name = " ".join(name.split())
    if not name:
        raise Refused("Enter the delegate's organisation.", field="organisation")
    suggestions = Organisation.objects.similar_to(name)
    same = [each for each in suggestions if each.name_key and each.name_key == each.typed_key]
    if same:
        return same[0]
    if suggestions and not add_new:
        names = " or ".join(f"“{each.name}”" for each in suggestions)
        raise Refused(
            f"“{name}” is not on the list of organisations. Did you mean {names}? Correct the organisation, "
            "or choose to add organisations not on the list.",
            field="organisation",
        )
    return organisation_for_name(name=name)


@transaction.atomic
def organisation_merge(*, source: Organisation, into: Organisation) -> int:
    """Merge an unverified organisation typed by a booker into the right record.

    Its bookings and charges move to the record, so caps and the board's report count one
    organisation. Returns how many bookings moved.
    """
    if source.pk == into.pk:
        raise Refused("Choose a different organisation to merge into.")
    source = Organisation.objects.select_for_update().get(pk=source.pk)
    if source.verified:
        raise Refused(f"{source.name} is verified: only unverified organisations can be merged.")
    if into.merged_into_id:
        raise Refused(f"{into.name} has itself been merged; choose the organisation it was merged into.")
    moved = Booking.objects.filter(organisation=source).update(organisation=into)
    Charge.objects.filter(organisation=source).update(organisation=into)
    source.merged_into = into
    source._change_reason = f"Merged into {into.name}"
    source.save(update_fields=["merged_into"])
    return moved
