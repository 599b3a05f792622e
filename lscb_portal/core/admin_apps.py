"""The admin app with the portal's own admin site (``admin_site.PortalAdminSite``) as ``admin.site``.

Listed in INSTALLED_APPS instead of ``django.contrib.admin``. Kept apart from the site itself because
app configs are imported before any model is loaded.
"""

from django.contrib.admin.apps import AdminConfig


class PortalAdminConfig(AdminConfig):
    default_site = "lscb_portal.core.admin_site.PortalAdminSite"

    def ready(self):
        super().ready()
        from . import security

        security.connect_signals()
