"""Each user's language preference: stored by the header switch, applied again at sign-in."""

import re

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from oversight.models import UserPreference
from tests.factories import PASSWORD

COOKIE = settings.LANGUAGE_COOKIE_NAME


def switch(client, code, next_url="/"):
    return client.post(reverse("switch-language", args=[code]), {"next": next_url})


def organisations_page(client):
    return client.get(reverse("organisations:list")).content.decode()


def test_switching_while_signed_in_stores_the_preference(world, client):
    official = world.personas["official"]
    client.force_login(official)
    response = switch(client, "cy", "/organisations/?page=1")
    assert response.status_code == 302
    assert response["Location"] == "/organisations/?page=1"
    assert response.cookies[COOKIE].value == "cy"
    preference = UserPreference.objects.get(user=official)
    assert preference.language == "cy"
    assert preference.history.count() == 1

    switch(client, "en-gb")
    preference.refresh_from_db()
    assert preference.language == "en-gb"
    assert preference.version == 2
    assert [h.language for h in preference.history.order_by("history_date")] == ["cy", "en-gb"]
    assert 'lang="en-GB"' in organisations_page(client)


def test_switching_to_the_language_already_stored_records_no_change(world, client):
    official = world.personas["official"]
    client.force_login(official)
    switch(client, "cy")
    switch(client, "cy")
    assert UserPreference.objects.get(user=official).history.count() == 1


def test_a_new_session_gets_the_stored_language(world, client):
    official = world.personas["official"]
    client.force_login(official)
    switch(client, "cy")

    fresh = Client()  # another browser: no language cookie
    fresh.force_login(official)
    response = fresh.get(reverse("organisations:list"))
    page = response.content.decode()
    assert 'lang="cy"' in page
    assert "Sefydliadau" in page  # "Organisations", from locale/cy
    assert response.cookies[COOKIE].value == "cy"  # remembered by this browser from now on


def test_signing_in_applies_the_preference_over_a_cookie_left_by_earlier_browsing(world):
    official = world.personas["official"]
    UserPreference.remember_language(official, "cy")
    browser = Client()
    browser.cookies[COOKIE] = "en-gb"  # someone browsed anonymously in English first
    response = browser.post(reverse("login"), {"username": official.username, "password": PASSWORD})
    assert response.status_code == 302
    assert 'lang="cy"' in organisations_page(browser)
    assert browser.cookies[COOKIE].value == "cy"


def test_switching_on_the_first_request_after_sign_in_beats_the_stored_language(world):
    official = world.personas["official"]
    UserPreference.remember_language(official, "cy")
    browser = Client()
    browser.force_login(official)
    response = switch(browser, "en-gb")
    assert response.cookies[COOKIE].value == "en-gb"
    assert 'lang="en-GB"' in organisations_page(browser)
    assert UserPreference.language_of(official) == "en-gb"


def test_the_cookie_decides_within_a_session(world, client):
    """After sign-in the browser's cookie rules: a GET to the switch (an old bookmark) changes
    this browser's language but not the stored preference."""
    official = world.personas["official"]
    UserPreference.remember_language(official, "cy")
    client.force_login(official)
    assert 'lang="cy"' in organisations_page(client)
    client.get(reverse("switch-language", args=["en-gb"]), {"next": "/"})
    assert 'lang="en-GB"' in organisations_page(client)
    assert UserPreference.language_of(official) == "cy"


def test_a_user_with_no_preference_gets_english_and_no_cookie(world, client):
    client.force_login(world.personas["official"])
    response = client.get(reverse("organisations:list"))
    assert 'lang="en-GB"' in response.content.decode()
    assert COOKIE not in response.cookies
    assert not UserPreference.objects.exists()


def test_an_anonymous_switch_sets_the_cookie_only(world, client):
    response = switch(client, "cy", reverse("login"))
    assert response.status_code == 302
    assert response.cookies[COOKIE].value == "cy"
    assert 'lang="cy"' in client.get(reverse("login")).content.decode()
    assert not UserPreference.objects.exists()


@pytest.mark.parametrize("unsafe", ["https://evil.example/", "//evil.example/", "javascript:alert(1)"])
def test_the_switch_refuses_to_redirect_off_site(world, client, unsafe):
    client.force_login(world.personas["official"])
    assert switch(client, "cy", unsafe)["Location"] == "/"


def test_the_switch_refuses_unknown_languages_and_other_methods(world, client):
    client.force_login(world.personas["official"])
    assert switch(client, "fr").status_code == 404
    assert client.put(reverse("switch-language", args=["cy"])).status_code == 405
    assert not UserPreference.objects.exists()


def test_the_header_switch_is_a_form_protected_against_forgery(world):
    official = world.personas["official"]
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(official)
    page = browser.get(reverse("organisations:list") + "?q=x").content.decode()
    form = re.search(r'<form method="post" action="(/language/cy/)"[^>]*>(.*?)</form>', page, re.S)
    assert form, "the header offers Cymraeg as a form"
    assert 'name="next" value="/organisations/?q=x"' in form.group(2)
    assert ">Cymraeg</button>" in form.group(2)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.group(2)).group(1)

    forged = browser.post(form.group(1), {"next": "/"})
    assert forged.status_code == 403
    assert not UserPreference.objects.filter(user=official).exists()

    genuine = browser.post(form.group(1), {"next": "/organisations/?q=x", "csrfmiddlewaretoken": token})
    assert genuine.status_code == 302
    assert genuine["Location"] == "/organisations/?q=x"
    assert UserPreference.language_of(official) == "cy"
