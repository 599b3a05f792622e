"""Codes printed on paper for anyone to check online: a chapter's print code, a certificate's verification code.

Eight characters from an alphabet without 0/O or 1/I (they are read off paper and typed), shown as
``ABCD-EFGH``; 32⁸ (about 10¹²) of them, so a code cannot be guessed, and the pages that check them are
rate limited besides.
"""

import re
import secrets
from collections.abc import Callable

ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
LENGTH = 8


def new_code(*, taken: Callable[[str], bool]) -> str:
    """A fresh random code for which ``taken(code)`` is false."""
    while True:
        code = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
        if not taken(code):
            return code


def normalise_code(code: str) -> str:
    """What was typed, as stored: capitals, without spaces or dashes."""
    return re.sub(r"[^A-Z0-9]", "", (code or "").upper())[:12]


def format_code(code: str) -> str:
    """As printed: ``ABCD-EFGH``."""
    return f"{code[:4]}-{code[4:]}" if code and len(code) == LENGTH else code or ""
