"""The demo board: a fictional partnership with made-up (Ofcom drama) phone numbers."""

import datetime

from .models import BoardContact, BoardSettings, Organisation, Sector

ORGANISATIONS = [
    ("Northbrook City Council Children's Social Care", Sector.SOCIAL_CARE),
    ("Northbrook Police", Sector.POLICE),
    ("Northbrook Integrated Care Board", Sector.HEALTH),
    ("Northbrook Community Health NHS Trust", Sector.HEALTH),
    ("Riverside Primary School", Sector.EDUCATION),
    ("St Anne's Church of England Academy", Sector.EDUCATION),
    ("Northbrook College", Sector.EDUCATION),
    ("Little Acorns Day Nursery", Sector.EARLY_YEARS),
    ("Northbrook Probation Service", Sector.PROBATION),
    ("Safe Harbour Domestic Abuse Service", Sector.VOLUNTARY),
    ("Northbrook Youth Trust", Sector.VOLUNTARY),
]

CONTACTS = [
    ("Helen Marsh", "Board Manager", "01632 960 410", "board.manager@northbrook-scp.example.org"),
    ("Tomasz Nowak", "Training Coordinator", "01632 960 415", "training@northbrook-scp.example.org"),
    ("Grace Adeyemi", "Procedures and Policy Officer", "01632 960 418", "procedures@northbrook-scp.example.org"),
    ("Sam Whitfield", "Business Support (bookings and certificates)", "01632 960 412", ""),
]


def load() -> str:
    board = BoardSettings.get_solo()
    board.name = "Northbrook Safeguarding Children Partnership"
    board.short_name = "NSCP"
    board.kind = "Safeguarding Children Partnership"
    board.area = "Northbrook"
    board.address = "Northbrook Civic Centre\nFloor 3, Market Street\nNorthbrook\nNB1 4QT"
    board.phone = "01632 960 400"
    board.office_email = "nscp@northbrook-scp.example.org"
    board.secure_email = "nscp.secure@northbrook-scp.example.org"
    board.data_protection_email = "data.protection@northbrook-scp.example.org"
    board.referral_service_name = "Children's Front Door (MASH)"
    board.referral_phone = "01632 960 000"
    board.out_of_hours_phone = "01632 960 999"
    board.referral_note = "If a child is in immediate danger, call the police on 999."
    board.x_url = "https://x.com/northbrookscp"
    board.facebook_url = "https://www.facebook.com/northbrookscp"
    board.youtube_url = "https://www.youtube.com/@northbrookscp"
    board.accessibility_reviewed = datetime.date(2026, 9, 1)
    board.training_lead_name = "Bronagh McAleese"
    board.training_lead_role = "Learning and Development Manager"
    board.save()
    for position, (name, role, phone, email) in enumerate(CONTACTS):
        BoardContact.objects.update_or_create(
            board=board, role=role, defaults={"name": name, "phone": phone, "email": email, "position": position}
        )
    for name, sector in ORGANISATIONS:
        Organisation.objects.update_or_create(name=name, defaults={"sector": sector, "verified": True})
    return f"board settings, {len(CONTACTS)} contacts, {len(ORGANISATIONS)} organisations"
