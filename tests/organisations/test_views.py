import csv
import io

import pytest
from django.urls import reverse

from organisations import services
from organisations.models import Organisation
from tests.factories import OrganisationFactory


def _form(organisation, **changes):
    data = {
        "version": organisation.version,
        "name": organisation.name,
        "name_cy": organisation.name_cy,
        "welsh_name_verified": "False",
        "short_name": organisation.short_name,
        "short_name_cy": "",
        "kind": organisation.kind,
        "ods_code": organisation.ods_code,
        "ons_code": organisation.ons_code,
        "region": organisation.region_id or "",
        "hosted_by": "",
        "statutory": "True",
        "active": "True",
        "letter_language": organisation.letter_language,
        "reason": "Correction",
    }
    data.update(changes)
    return data


def test_an_administrator_changes_an_organisation(world, client):
    client.force_login(world.personas["admin"])
    url = reverse("organisations:edit", args=[world.org_a.pk])
    response = client.post(url, _form(world.org_a, short_name="Org A (new)"))
    assert response.status_code == 302
    assert Organisation.objects.get(pk=world.org_a.pk).short_name == "Org A (new)"


def test_a_stale_edit_is_a_conflict_and_keeps_what_the_user_typed(world, client):
    admin = world.personas["admin"]
    stale = _form(world.org_a, short_name="My careful edit")
    services.organisation_update(
        actor=admin, organisation=world.org_a, expected_version=1, changes={"short_name": "Theirs"}, reason="x"
    )
    client.force_login(admin)
    response = client.post(reverse("organisations:edit", args=[world.org_a.pk]), stale)
    assert response.status_code == 200
    content = response.content.decode()
    assert "changed by someone else" in content
    assert 'value="My careful edit"' in content
    assert Organisation.objects.get(pk=world.org_a.pk).short_name == "Theirs"


def test_a_missing_reason_is_named_beside_its_field(world, client):
    client.force_login(world.personas["admin"])
    response = client.post(reverse("organisations:edit", args=[world.org_a.pk]), _form(world.org_a, reason=""))
    assert response.status_code == 200
    assert 'href="#id_reason"' in response.content.decode()
    assert 'id="id_reason-error"' in response.content.decode()


def test_a_tampered_version_is_a_form_error_not_a_500(world, client):
    client.force_login(world.personas["admin"])
    response = client.post(reverse("organisations:edit", args=[world.org_a.pk]), _form(world.org_a, version="abc"))
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("query", "codes"),
    [
        ({"kind": "health_board"}, {"ORGA", "ORGB"}),
        ({"kind": "government"}, {"WG"}),
        ({"region": "south-east-wales"}, {"ORGA", "ORGB"}),
        ({"q": "Inspectorate"}, {"HIW"}),
        ({"q": "orgb"}, {"ORGB"}),
        ({"statutory": "false"}, {"WG", "NHSPI", "HIW"}),
    ],
)
def test_the_organisation_list_filters(world, client, query, codes):
    client.force_login(world.personas["submitter_a"])
    response = client.get(reverse("organisations:list"), {**query, "export": "csv"})
    assert {row["Code"] for row in csv.DictReader(io.StringIO(response.content.decode()))} == codes


def test_an_unknown_filter_value_is_explained_not_a_500(world, client):
    client.force_login(world.personas["official"])
    response = client.get(reverse("organisations:list"), {"kind": "castle"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()


def test_the_detail_page_shows_private_sections_only_to_those_who_may_see_them(world, client):
    client.force_login(world.personas["submitter_b"])
    page = client.get(reverse("organisations:detail", args=[world.org_a.pk])).content.decode()
    assert "Organisation A University Health Board" in page
    assert reverse("organisations:members", args=[world.org_a.pk]) not in page
    client.force_login(world.personas["submitter_a"])
    page = client.get(reverse("organisations:detail", args=[world.org_a.pk])).content.decode()
    assert reverse("organisations:members", args=[world.org_a.pk]) in page
    assert reverse("organisations:history", args=[world.org_a.pk]) in page


def test_the_history_page_says_who_changed_what_and_why(world, client):
    admin = world.personas["admin"]
    services.organisation_update(
        actor=admin, organisation=world.org_a, expected_version=1, changes={"short_name": "Org A2"}, reason="Rename"
    )
    client.force_login(world.personas["submitter_a"])
    page = client.get(reverse("organisations:history", args=[world.org_a.pk])).content.decode()
    assert "Org A → Org A2" in page
    assert "Rename" in page
    assert admin.get_full_name() in page


def test_welsh_readers_see_welsh_names(world, client):
    client.force_login(world.personas["official"])
    client.get(reverse("switch-language", args=["cy"]) + "?next=/")
    page = client.get(reverse("organisations:list")).content.decode()
    assert 'lang="cy"' in page
    assert world.org_a.name_cy in page
    assert "Sefydliadau" in page  # "Organisations" in the layout, from locale/cy


def test_the_language_switch_refuses_to_redirect_off_site(world, client):
    response = client.get(reverse("switch-language", args=["cy"]), {"next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_the_language_switch_for_an_unknown_language_is_not_found(client):
    assert client.get("/language/fr/").status_code == 404


def test_inactive_organisations_are_marked(world, client):
    OrganisationFactory(code="OLD", name="Former Trust", active=False)
    client.force_login(world.personas["official"])
    page = client.get(reverse("organisations:list"), {"active": "false"}).content.decode()
    assert "Former Trust" in page
    assert "Inactive" in page
