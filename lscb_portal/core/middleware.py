from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.http import HttpResponse, HttpResponseNotAllowed
from django.shortcuts import render

from .ratelimit import RateLimited


class SecurityHeadersMiddleware:
    """Headers Django's SecurityMiddleware does not set: Permissions-Policy."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response


class RequestLimitsMiddleware:
    """Refuses what no page of the portal is for, before anything is read from the request.

    - Methods other than GET, HEAD and POST answer 405 (OPTIONS and TRACE used to get the page).
    - A body larger than ``MAX_REQUEST_BYTES`` (``MAX_STAFF_REQUEST_BYTES`` under /admin/, where
      documents are uploaded) answers 413, so a large file posted to a public form is never
      written to disk.
    """

    ALLOWED_METHODS = ("GET", "HEAD", "POST")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in self.ALLOWED_METHODS:
            return HttpResponseNotAllowed(self.ALLOWED_METHODS)
        try:
            length = int(request.headers.get("content-length") or 0)
        except ValueError:
            length = 0
        staff = request.path_info.startswith("/admin/")
        limit = settings.MAX_STAFF_REQUEST_BYTES if staff else settings.MAX_REQUEST_BYTES
        if length > limit:
            return HttpResponse("The request is too large.", status=413, content_type="text/plain; charset=utf-8")
        return self.get_response(request)


class PortalCSPMiddleware(CSPMiddleware):
    """The site-wide policy, relaxed for styles inside the admin only.

    Scripts never get 'unsafe-inline': the public pages use nonces.
    """

    def get_policy_parts(self, request, response, report_only=False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if request.path_info.startswith("/admin/"):
            update = dict(parts.update or {})
            for directive, values in settings.ADMIN_CSP_UPDATE.items():
                update[directive] = [*update.get(directive, []), *values]
            parts = PolicyParts(parts.config, update, parts.replace, parts.nonce)
        return parts


class RateLimitMiddleware:
    """Answers ``ratelimit.RateLimited`` from any view with the 429 page and a Retry-After header."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, RateLimited):
            return None
        minutes = max(1, -(-exception.retry_after // 60))
        response = render(request, "429.html", {"retry_after_minutes": minutes}, status=429)
        response["Retry-After"] = str(exception.retry_after)
        response["Cache-Control"] = "no-store"
        return response
