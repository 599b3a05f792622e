from django.apps import AppConfig


class NewslettersConfig(AppConfig):
    name = "newsletters"
    verbose_name = "Newsletters"

    def ready(self):
        from .lists import series_lists
        from .portal import register_list_provider

        register_list_provider(series_lists)
