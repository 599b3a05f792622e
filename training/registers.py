"""A session's register (the trainer's copy, with access and dietary needs) and its sign-in sheet, as A4 PDFs.

Both read ``selectors.session_register``, as the register pages do. They are rendered when a training
administrator asks for them in the back office and never stored: the register holds special-category data,
which is deleted on its retention schedule (``services.needs_delete_expired``), and a stored copy would outlive it.
"""

from lscb_portal.core import pdf
from lscb_portal.core.templatetags.portal import ukdate

from . import selectors
from .models import Session


def register_pdf(session: Session, *, sign_in_sheet: bool = False) -> bytes:
    """The trainer's register (with needs) or, with ``sign_in_sheet``, the sheet delegates sign (without)."""
    register = selectors.session_register(session=session, with_needs=not sign_in_sheet)
    kind = "Sign-in sheet" if sign_in_sheet else "Register"
    context = {
        "register": register,
        "session": session,
        "kind": kind,
        "sign_in_sheet": sign_in_sheet,
        "title": f"{kind}: {session.course.title}, {ukdate(session.starts_at, 'short')}",
    }
    return pdf.render_pdf("training/register_pdf.html", context)


def filename(session: Session, *, sign_in_sheet: bool = False) -> str:
    return f"{'sign-in-sheet' if sign_in_sheet else 'register'}-{session.course.slug}-{session.starts_at:%Y-%m-%d}.pdf"
