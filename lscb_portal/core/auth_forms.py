"""Forms for the staff sign-in steps: the second-factor code and password reset by email."""

import re

from django import forms
from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django.template.loader import render_to_string
from django.urls import reverse

from .links import absolute_url
from .models import BoardSettings
from .outbox import queue_email


class SecondFactorForm(forms.Form):
    token = forms.CharField(
        label="Code from your authenticator app",
        max_length=20,
        help_text=(
            "The 6-digit code the app shows now (a new code appears every 30 seconds), or one of your backup codes."
        ),
        error_messages={"required": "Enter the 6-digit code from your authenticator app."},
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "autocapitalize": "off",
                "spellcheck": "false",
                "autofocus": True,
            }
        ),
    )

    def clean_token(self) -> str:
        token = re.sub(r"[\s-]", "", self.cleaned_data["token"]).lower()
        # A code from the app, or a backup code (otp_static's: 8 characters of base32).
        if not re.fullmatch(r"\d{6}|[a-z2-7]{8}", token):
            raise forms.ValidationError(
                "Enter the 6-digit code from your authenticator app, or one of your 8-character backup codes."
            )
        return token


class StaffPasswordResetForm(PasswordResetForm):
    """Django's password reset, for staff accounts only, with the email written to the outbox.

    Whether or not the address belongs to a staff account, the person sees the same page next.
    """

    subject_template = "registration/staff_password_reset_subject.txt"
    text_template = "registration/staff_password_reset_email.txt"

    def get_users(self, email):
        return (user for user in super().get_users(email) if user.is_staff)

    def send_mail(self, subject_template_name, email_template_name, context, from_email, to_email, **kwargs):
        reset_path = reverse(
            "admin:password_reset_confirm", kwargs={"uidb64": context["uid"], "token": context["token"]}
        )
        context = {
            **context,
            "board_name": BoardSettings.get_solo().name,
            "reset_url": absolute_url(reset_path),
            "login_url": absolute_url(reverse("admin:login")),
            "hours": max(1, settings.PASSWORD_RESET_TIMEOUT // 3600),
        }
        subject = " ".join(render_to_string(self.subject_template, context).split())
        queue_email(
            to=to_email,
            subject=subject,
            text=render_to_string(self.text_template, context),
            category="staff.password_reset",
        )
