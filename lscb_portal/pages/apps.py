from django.apps import AppConfig


class PagesConfig(AppConfig):
    """The portal's top: home, site search, alerts hub and the board's own pages."""

    name = "lscb_portal.pages"
    label = "pages"
    verbose_name = "Pages"
