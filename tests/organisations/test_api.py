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


def _schema(api_client, user):
    api_client.force_login(user)
    response = api_client.get(reverse("schema"), {"format": "json"})
    assert response.status_code == 200
    return response.json()


def test_an_organisation_key_that_is_not_a_number_answers_404_not_500(world, api_client):
    # Found by the API fuzz test: the members and history actions looked the key up unchecked.
    api_client.force_login(world.personas["official"])
    for name in ("api:organisation-members", "api:organisation-history"):
        response = api_client.get(reverse(name, args=["not-a-number"]))
        assert response.status_code == 404, name
        assert response.json() == {"detail": "Not found.", "code": "not_found"}


def test_a_url_no_api_route_takes_answers_the_apis_json_404(world, api_client, settings):
    settings.DEBUG = False
    api_client.force_login(world.personas["official"])
    response = api_client.get("/api/v1/organisations/1.5/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Not found.", "code": "not_found"}
    # Pages outside the API keep the service's HTML error page.
    page = api_client.get("/organisations/no-such-page/")
    assert page.status_code == 404 and page["Content-Type"].startswith("text/html")


def test_an_organisation_without_a_region_or_host_matches_the_schema(world, api_client):
    # Found by the API fuzz test: region and hosted_by are null for such an organisation, but
    # the schema said they were always strings.
    schema = _schema(api_client, world.personas["official"])
    properties = schema["components"]["schemas"]["Organisation"]["properties"]
    assert properties["region"]["nullable"] is True
    assert properties["hosted_by"]["nullable"] is True
    Organisation.objects.filter(pk=world.wg.pk).update(region=None, hosted_by=None)
    body = api_client.get(reverse("api:organisation-detail", args=[world.wg.pk])).json()
    assert body["region"] is None and body["hosted_by"] is None


def test_every_operation_documents_the_error_responses(world, api_client):
    schema = _schema(api_client, world.personas["official"])
    assert "Error" in schema["components"]["schemas"]
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            writes = method in {"post", "put", "patch", "delete"}
            expected = {"400", "401", "403", "404"} | ({"409"} if writes else set())
            assert expected <= operation["responses"].keys(), f"{method.upper()} {path}"
