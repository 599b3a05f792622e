"""What the procedures manual holds about people, for the base's export and erasure (``core.privacy``).

Nothing about readers: the manual has no forms, and its history records only which staff
member made each change (staff accounts are not erased by email address).
"""

from lscb_portal.core import privacy


def export(email: str) -> dict:
    return {"held": "Nothing. The procedures manual keeps no information about the people who read it."}


def erase(email: str) -> dict[str, int]:
    return {}


privacy.register(privacy.PersonalData(app="procedures", export=export, erase=erase))
