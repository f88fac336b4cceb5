"""HTTP hardening: every page carries a Content Security Policy that allows no inline script,
and our pages contain none (nor inline style sheets or event-handler attributes)."""

import re

import pytest
from django.urls import reverse

PAGES = [
    ("anonymous", lambda w: reverse("login")),
    ("anonymous", lambda w: reverse("public:register")),
    ("official", lambda w: reverse("escalation:overview")),
    ("official", lambda w: reverse("organisations:list")),
    ("official", lambda w: reverse("organisations:detail", args=[w.org_a.pk])),
    ("official", lambda w: reverse("meetings:meeting-list")),
    ("official", lambda w: reverse("reporting:pack-list")),
    ("official", lambda w: reverse("two-factor")),
    ("analyst", lambda w: reverse("two-factor-setup")),
    ("official", lambda w: reverse("api-docs")),
    ("admin", lambda w: reverse("admin:index")),
    ("official", lambda w: reverse("api:organisation-list")),
]


def policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


@pytest.mark.parametrize(("persona", "url"), PAGES, ids=[f"{i}-{p}" for i, (p, _u) in enumerate(PAGES)])
def test_every_page_has_a_policy_with_no_inline_script(world, login, persona, url):
    http = login(world.personas[persona])
    response = http.get(url(world))
    assert response.status_code == 200
    directives = policy(response)
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert directives["default-src"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["object-src"] == ["'none'"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]
    if response["Content-Type"].startswith("text/html"):
        html = response.content.decode()
        inline_scripts = re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html)
        assert not inline_scripts, inline_scripts
        assert not re.search(r"<style[\s>]", html)
        assert not re.search(r"\son[a-z]+\s*=", html), re.search(r"\son[a-z]+\s*=[^>]*", html).group(0)


def test_security_headers(world, client):
    response = client.get(reverse("login"))
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_the_api_documentation_loads_its_start_up_script_from_a_file(world, client):
    client.force_login(world.personas["official"])
    page = client.get(reverse("api-docs")).content.decode()
    sources = re.findall(r'<script[^>]*src="([^"]+)"', page)
    startup = [s for s in sources if "script" in s.split("?", 1)[-1]]
    assert startup, sources
    script = client.get(startup[0].replace("&amp;", "&"))
    assert script.status_code == 200
    assert "SwaggerUIBundle" in script.content.decode()
