"""``/training/certificates/verify/``: an employer checks that a certificate of attendance is genuine.

The page shows what the certificate itself says, nothing more, and is rate limited per client address
(a code cannot be guessed: see ``core.codes``).
"""

from django.shortcuts import render
from django.views.decorators.http import require_safe

from lscb_portal.core import ratelimit
from lscb_portal.core.forms import PrintedCodeForm

from . import certificates


class CertificateCheckForm(PrintedCodeForm):
    code_label = "Certificate code"
    missing_message = "Enter the code printed at the foot of the certificate"


@require_safe
def verify_certificate(request):
    form = CertificateCheckForm(request.GET or None)
    facts = None
    if form.is_bound:
        ratelimit.check(request, "training.verify_certificate")
        if form.is_valid():
            facts = certificates.verify(form.cleaned_data["code"])
            if facts is None:
                form.add_error("code", "No certificate has this code. Check it against the certificate and try again")
    response = render(request, "training/certificate_verify.html", {"form": form, "facts": facts})
    # The answer names a person: never kept by a shared cache, never indexed.
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex"
    return response
