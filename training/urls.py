from django.urls import path

from lscb_portal.core.pagecache import cached_page

from . import verification, views

app_name = "training"

# The areas the pages show (lscb_portal/core/pagecache.py), besides the board's shell. The session page's
# booking form lists the verified organisations.
PROGRAMME = ["training", "places", "topics"]
PROGRAMME_FILTERS = ["topic", "audience", "level", "month", "delivery", "has_places", "page"]

urlpatterns = [
    path("", cached_page(views.index, shows=PROGRAMME, query=PROGRAMME_FILTERS), name="index"),
    path("courses/<slug:slug>/", cached_page(views.course, shows=PROGRAMME), name="course"),
    path("sessions/<int:pk>/", cached_page(views.session, shows=[*PROGRAMME, "organisations"]), name="session"),
    path("sessions/<int:pk>/booked/", views.booked, name="booked"),
    path("sessions/<int:pk>/nominate/", views.nominate, name="nominate"),
    path("sessions/<int:pk>/nominated/", views.nominated, name="nominated"),
    path("sessions/<int:pk>/calendar.ics", views.session_calendar, name="session_calendar"),
    path("bookings/<str:token>/", views.booking, name="booking"),
    path("bookings/<str:token>/calendar.ics", views.booking_calendar, name="booking_calendar"),
    path("bookings/<str:token>/cancel/", views.booking_cancel, name="booking_cancel"),
    path("bookings/<str:token>/transfer/", views.booking_transfer, name="booking_transfer"),
    path("offers/<str:token>/", views.offer, name="offer"),
    path("approvals/<str:token>/", views.approval, name="approval"),
    path("evaluations/<str:token>/", views.evaluation, name="evaluation"),
    path("certificates/verify/", verification.verify_certificate, name="verify_certificate"),
    path("certificates/<str:token>/", views.certificate, name="certificate"),
    path("certificates/<str:token>/certificate.pdf", views.certificate_pdf, name="certificate_pdf"),
    path("my/", views.my_training, name="my_training"),
    path("my/<str:token>/", views.my_bookings, name="my_bookings"),
]
