from django.urls import path

from lscb_portal.core.pagecache import cached_page

from . import alerts, views

app_name = "pages"

urlpatterns = [
    path("", cached_page(views.home), name="home"),
    path("search/", cached_page(views.search), name="search"),
    path("alerts/", alerts.subscribe, name="alerts"),
    path("alerts/check-your-email/", alerts.check_email, name="alerts_check_email"),
    path("alerts/confirm/<str:token>/", alerts.confirm, name="alerts_confirm"),
    path("alerts/manage/", alerts.request_link, name="alerts_request_link"),
    path("alerts/manage/<str:token>/", alerts.manage, name="alerts_manage"),
    path("alerts/manage/<str:token>/unsubscribe/", alerts.unsubscribe, name="alerts_unsubscribe"),
    path("alerts/unsubscribed/", alerts.unsubscribed, name="alerts_unsubscribed"),
    path("accessibility/", cached_page(views.accessibility), name="accessibility"),
    path("privacy/", cached_page(views.privacy), name="privacy"),
    path("cookies/", cached_page(views.cookies), name="cookies"),
    path("contact/", cached_page(views.contact), name="contact"),
]
