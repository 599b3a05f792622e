from django.urls import path

from lscb_portal.core.pagecache import cached_page

from . import alerts, views

app_name = "pages"

# The areas the pages show (lscb_portal/core/pagecache.py), besides the board's shell: the home page and
# the search show every app's content, with sessions' places; the others only the board's details.
EVERY_APP = ["newsletters", "training", "places", "procedures"]

urlpatterns = [
    path("", cached_page(views.home, shows=EVERY_APP), name="home"),
    path("search/", cached_page(views.search, shows=EVERY_APP, query=["q", "kind", "page"]), name="search"),
    path("alerts/", alerts.subscribe, name="alerts"),
    path("alerts/check-your-email/", alerts.check_email, name="alerts_check_email"),
    path("alerts/confirm/<str:token>/", alerts.confirm, name="alerts_confirm"),
    path("alerts/manage/", alerts.request_link, name="alerts_request_link"),
    path("alerts/manage/<str:token>/", alerts.manage, name="alerts_manage"),
    path("alerts/manage/<str:token>/unsubscribe/", alerts.unsubscribe, name="alerts_unsubscribe"),
    path("alerts/unsubscribed/", alerts.unsubscribed, name="alerts_unsubscribed"),
    path("accessibility/", cached_page(views.accessibility, shows=[]), name="accessibility"),
    path("privacy/", cached_page(views.privacy, shows=[]), name="privacy"),
    path("cookies/", cached_page(views.cookies, shows=[]), name="cookies"),
    path("contact/", cached_page(views.contact, shows=[]), name="contact"),
]
