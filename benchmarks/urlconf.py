"""The benchmark's URLconf: the real site plus two trivial views, the baselines that show what
the stack itself costs (middleware, session, user, DRF authentication and rendering) before a
page does any work. Used only by ``bench_scale.py`` (``ROOT_URLCONF`` overridden in-process)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.urls import path
from rest_framework.response import Response
from rest_framework.views import APIView

from oversight import urls as site


@login_required
def trivial_page(request):
    return HttpResponse("<!doctype html><title>ok</title><p>ok</p>")


class TrivialApi(APIView):
    def get(self, request):
        return Response({"count": 0, "results": []})


urlpatterns = [
    path("__bench__/page/", trivial_page, name="bench-trivial-page"),
    path("__bench__/api/", TrivialApi.as_view(), name="bench-trivial-api"),
    *site.urlpatterns,
]

handler400 = site.handler400
handler403 = site.handler403
handler404 = site.handler404
handler500 = site.handler500
