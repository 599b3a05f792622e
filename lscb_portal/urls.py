from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from lscb_portal.pages import views as pages
from newsletters.sitemaps import sitemaps as newsletter_sitemaps

urlpatterns = [
    path("", include("lscb_portal.pages.urls")),
    path("healthz", pages.healthz, name="healthz"),
    path("sitemap.xml", sitemap, {"sitemaps": {**newsletter_sitemaps}}, name="sitemap"),
    path("newsletters/", include("newsletters.urls")),
    path("training/", include("training.urls")),
    path("procedures/", include("procedures.urls")),
    path("admin/", admin.site.urls),
]

handler400 = "lscb_portal.pages.views.bad_request"
handler403 = "lscb_portal.pages.views.permission_denied"
handler404 = "lscb_portal.pages.views.page_not_found"
handler500 = "lscb_portal.pages.views.server_error"
