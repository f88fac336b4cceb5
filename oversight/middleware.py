"""Turns a domain refusal that reached the top of a page view into a page a person can act on."""

from django.shortcuts import render

from .errors import OversightError


class DomainErrorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, OversightError):
            template = "403.html" if exception.status == 403 else "400.html"
            return render(request, template, {"error": exception}, status=exception.status)
        return None
