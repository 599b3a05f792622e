"""Password rules beyond Django's own (length 12, not one of its 20,000 common passwords, not all digits).

ASVS asks that passwords found in breaches be refused. The portal cannot ask a breach service (it makes no
outside calls), so besides Django's list of common passwords it refuses the patterns such lists are made of:
few different characters, a word or run repeated, and runs along the keyboard or the alphabet.
"""

import re

from django.core.exceptions import ValidationError

RUNS = ("abcdefghijklmnopqrstuvwxyz" * 2, "qwertyuiopasdfghjklzxcvbnm" * 2, "1234567890" * 3, "0987654321" * 3)
MIN_DIFFERENT_CHARACTERS = 5


class PatternPasswordValidator:
    def validate(self, password: str, user=None) -> None:
        lowered = password.lower()
        if len(set(lowered)) < MIN_DIFFERENT_CHARACTERS:
            raise ValidationError(
                f"This password uses fewer than {MIN_DIFFERENT_CHARACTERS} different characters.",
                code="password_too_repetitive",
            )
        if re.fullmatch(r"(.+?)\1+", lowered):
            raise ValidationError("This password is a word or pattern repeated.", code="password_repeated")
        if any(lowered in run for run in RUNS):
            raise ValidationError("This password is a run of keys or letters.", code="password_run")

    def get_help_text(self) -> str:
        return "Your password cannot be a character, word or run of keys repeated."
