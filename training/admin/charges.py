"""Charges for places not used, and the rates they are worked out from."""

from django.contrib import admin, messages
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone

from lscb_portal.core.history import HistoryAdmin

from .. import exports, services
from ..models import Charge, LengthRate
from .filters import InvoicedFilter
from .forms import WaiveForm


@admin.register(LengthRate)
class LengthRateAdmin(HistoryAdmin):
    list_display = ["length", "partner_rate", "non_partner_rate"]


@admin.register(Charge)
class ChargeAdmin(HistoryAdmin):
    list_display = [
        "booking",
        "organisation",
        "reason",
        "amount",
        "partner_rate",
        "raised_at",
        "invoiced_at",
        "waived",
    ]
    list_filter = [InvoicedFilter, "reason", "partner_rate", "organisation__sector"]
    search_fields = ["booking__reference", "booking__attendee_name", "organisation__name"]
    list_select_related = ["booking", "organisation"]
    date_hierarchy = "raised_at"
    actions = ["export_for_invoicing", "waive_charges"]
    readonly_fields = [
        "booking",
        "organisation",
        "reason",
        "partner_rate",
        "amount",
        "raised_at",
        "invoiced_at",
        "waived_at",
        "waived_reason",
        "waived_by",
    ]

    def has_add_permission(self, request):
        # Charges are raised by the charging policy when attendance is marked or a place is given up late.
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="waived", boolean=True)
    def waived(self, obj) -> bool:
        return obj.waived_at is not None

    @admin.action(description="Export for invoicing (CSV) and mark as invoiced", permissions=["change"])
    def export_for_invoicing(self, request, queryset):
        payable = queryset.filter(waived_at__isnull=True)
        response = HttpResponse(exports.charges_csv(payable), content_type="text/csv")
        response["Content-Disposition"] = f'attachment; filename="charges-{timezone.localdate():%Y-%m-%d}.csv"'
        services.charges_mark_invoiced(charges=list(payable))
        return response

    @admin.action(description="Waive the selected charges (with a reason)", permissions=["change"])
    def waive_charges(self, request, queryset):
        form = WaiveForm(request.POST if "waive" in request.POST else None)
        if "waive" in request.POST and form.is_valid():
            done = 0
            for charge in queryset.filter(waived_at__isnull=True):
                services.charge_waive(charge=charge, reason=form.cleaned_data["reason"], by=request.user)
                done += 1
            self.message_user(request, f"Waived {done} charge(s).", messages.SUCCESS)
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": "Waive charges",
            "form": form,
            "charges": list(queryset.select_related("booking", "organisation")),
            "opts": self.model._meta,
            "action": "waive_charges",
        }
        return TemplateResponse(request, "training/admin/waive_charges.html", context)
