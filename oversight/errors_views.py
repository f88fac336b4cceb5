"""Error pages in the service's layout, in words a person can act on."""

from django.shortcuts import render


def bad_request(request, exception=None):
    return render(request, "400.html", {"error": exception}, status=400)


def permission_denied(request, exception=None):
    return render(request, "403.html", status=403)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    # Rendered without context processors: the database may be what failed.
    from django.http import HttpResponseServerError
    from django.template import loader

    return HttpResponseServerError(loader.get_template("500.html").render())
