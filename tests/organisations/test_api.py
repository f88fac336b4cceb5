from django.urls import reverse
from rest_framework.authtoken.models import Token

from organisations.models import Organisation


def test_the_register_is_listed_with_filters_and_pagination(world, api_client):
    api_client.force_login(world.personas["partner"])
    body = api_client.get(reverse("api:organisation-list"), {"kind": "health_board"}).json()
    assert body["count"] == 2
    assert {o["code"] for o in body["results"]} == {"ORGA", "ORGB"}
    assert body["results"][0]["region"] == "south-east-wales"
    page = api_client.get(reverse("api:organisation-list"), {"page_size": 2}).json()
    assert len(page["results"]) == 2 and page["next"]


def test_a_token_signs_an_api_client_in(world, api_client, password):
    response = api_client.post(reverse("api:token"), {"username": "analyst", "password": password}, format="json")
    assert response.status_code == 200
    token = response.json()["token"]
    assert Token.objects.get(key=token).user == world.personas["analyst"]
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api_client.get(reverse("api:organisation-list")).status_code == 200


def test_without_credentials_the_api_answers_401_and_says_how_to_authenticate(api_client):
    response = api_client.get(reverse("api:organisation-list"))
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response.json()["code"] == "not_authenticated"


def test_a_stale_patch_answers_409_with_a_code(world, api_client):
    api_client.force_login(world.personas["admin"])
    url = reverse("api:organisation-detail", args=[world.org_a.pk])
    first = api_client.patch(url, {"version": 1, "reason": "A", "short_name": "One"}, format="json")
    assert first.status_code == 200
    assert first.json()["version"] == 2
    stale = api_client.patch(url, {"version": 1, "reason": "B", "short_name": "Two"}, format="json")
    assert stale.status_code == 409
    assert stale.json()["code"] == "conflict"
    assert Organisation.objects.get(pk=world.org_a.pk).short_name == "One"


def test_bad_input_answers_400_naming_the_field(world, api_client):
    api_client.force_login(world.personas["admin"])
    url = reverse("api:organisation-detail", args=[world.org_a.pk])
    response = api_client.patch(url, {"version": "seven", "reason": "x", "region": "atlantis"}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert "version" in body and "region" in body


def test_a_put_is_not_allowed(world, api_client):
    api_client.force_login(world.personas["admin"])
    response = api_client.put(reverse("api:organisation-detail", args=[world.org_a.pk]), {}, format="json")
    assert response.status_code == 405


def test_history_via_the_api_for_the_organisations_own_user(world, api_client):
    api_client.force_login(world.personas["admin"])
    api_client.patch(
        reverse("api:organisation-detail", args=[world.org_a.pk]),
        {"version": 1, "reason": "Rename", "short_name": "A2"},
        format="json",
    )
    api_client.force_login(world.personas["submitter_a"])
    body = api_client.get(reverse("api:organisation-history", args=[world.org_a.pk])).json()
    assert body["count"] == 2
    newest = body["results"][0]
    assert newest["reason"] == "Rename"
    assert newest["changes"] == [{"field": "short name (English)", "old": "Org A", "new": "A2"}]


def test_the_schema_builds_without_warnings(db):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("spectacular", "--validate", "--fail-on-warn", stdout=out, stderr=out)
    assert "openapi: 3" in out.getvalue()
