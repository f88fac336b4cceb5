"""Error pages in the service's layout, in words a person can act on; under ``/api/`` the
API's own error shape, ``{"detail", "code"}`` in JSON, as ``oversight.api.exception_handler``
answers (a URL no API route takes reaches none of the API's views)."""

from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


def _api(request) -> bool:
    return request.path.startswith("/api/")


def bad_request(request, exception=None):
    if _api(request):
        return JsonResponse({"detail": _("Bad request."), "code": "bad_request"}, status=400)
    return render(request, "400.html", {"error": exception}, status=400)


def permission_denied(request, exception=None):
    if _api(request):
        return JsonResponse({"detail": _("You do not have permission."), "code": "permission_denied"}, status=403)
    return render(request, "403.html", status=403)


def page_not_found(request, exception=None):
    if _api(request):
        return JsonResponse({"detail": _("Not found."), "code": "not_found"}, status=404)
    return render(request, "404.html", status=404)


def server_error(request):
    if _api(request):
        return JsonResponse({"detail": _("Server error."), "code": "server_error"}, status=500)
    # Rendered without context processors: the database may be what failed.
    from django.http import HttpResponseServerError
    from django.template import loader

    return HttpResponseServerError(loader.get_template("500.html").render())
