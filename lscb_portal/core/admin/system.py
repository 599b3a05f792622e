"""Two tables of the "System" group that come from other packages, mended where they answered a server error.

- Background jobs (procrastinate's admin): Postgres keeps a job's status as an enum, so a status typed into the
  address (``?status=<anything>``) failed in the database; it now gets Django's answer to a filter the list
  cannot use, the list's "?e=1" page.
- Sign-in lockouts (django-axes' admin): its "Clean up expired attempts" action read the time of the request from
  an attribute that axes sets only on sign-in requests, so the action always failed; the attribute is now set
  first, as axes does.
"""

from axes.admin import AccessAttemptAdmin
from axes.handlers.proxy import AxesProxyHandler
from axes.models import AccessAttempt
from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from procrastinate.contrib.django.admin import ProcrastinateJobAdmin
from procrastinate.contrib.django.models import ProcrastinateJob
from procrastinate.jobs import Status

STATUSES = frozenset(status.value for status in Status)
# Lookups that compare the status as text, which Postgres can do with any value.
TEXT_LOOKUPS = frozenset(
    {"iexact", "contains", "icontains", "startswith", "istartswith", "endswith", "iendswith", "regex", "iregex"}
)


class JobAdmin(ProcrastinateJobAdmin):
    def get_changelist_instance(self, request):
        for key, values in request.GET.lists():
            field, _, lookup = key.partition("__")
            if field != "status" or lookup in TEXT_LOOKUPS or lookup == "isnull":
                continue
            asked = {part for value in values for part in (value.split(",") if lookup in {"in", "range"} else [value])}
            if not asked <= STATUSES:
                raise IncorrectLookupParameters(f"There is no job status {sorted(asked - STATUSES)[0]!r}.")
        return super().get_changelist_instance(request)


class LockoutAdmin(AccessAttemptAdmin):
    @admin.action(description="Clean up expired attempts")
    def cleanup_expired_attempts(self, request, queryset):
        AxesProxyHandler.update_request(request)
        return super().cleanup_expired_attempts(request, queryset)


for model, model_admin in [(ProcrastinateJob, JobAdmin), (AccessAttempt, LockoutAdmin)]:
    if admin.site.is_registered(model):
        admin.site.unregister(model)
    admin.site.register(model, model_admin)
