from django.conf import settings


def absolute_url(path_or_obj) -> str:
    """The public address of a path, or of an object with get_absolute_url (for emails)."""
    path = path_or_obj if isinstance(path_or_obj, str) else path_or_obj.get_absolute_url()
    if path.startswith(("http://", "https://")):
        return path
    return settings.SITE_URL + path
