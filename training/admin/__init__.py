"""The training back office: the programme, places and waiting lists at a glance.

Changes to who holds a place go through ``training.services`` (admin actions call
them), so the admin can never oversell a session. One module per model admin, with
the filters, forms and task pages (register, report, merging organisations) beside them.
"""

from . import bookings, charges, courses, evaluations, sessions, venues  # noqa: F401  (registers the model admins)
