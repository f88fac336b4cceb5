"""Publication (issue 6): making decisions and summaries public, and the public register that
reads only what was made public — pages, CSV and JSON, without signing in."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from datetime import date, timedelta

import pytest
from django.http import Http404
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from escalation import services as escalation_services
from oversight.concurrency import create_recorded
from oversight.errors import ConflictError, PermissionRefused, RuleRefused
from reporting import documents, publication, rules
from reporting.models import Document, PublishedDecision, PublishedDocument

OFFICIAL, DM, ANALYST, SECRETARIAT, SUBMITTER = (
    "wg_official",
    "wg_decision_maker",
    "nhspi_analyst",
    "wg_secretariat",
    "org_submitter",
)
DAY = date(2026, 11, 2)
RATIONALE = "Internal rationale: the finance director's draft recovery plan is not credible"
SUMMARY = "Waits of more than 12 hours in the emergency department have risen for six months."

# --- Rules -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("roles", "status", "effective_from", "summary", "refusal"),
    [
        ({OFFICIAL}, "decided", DAY, SUMMARY, None),
        ({DM}, "decided", DAY, SUMMARY, None),
        ({ANALYST}, "decided", DAY, SUMMARY, "publication_role"),
        ({SECRETARIAT}, "decided", DAY, SUMMARY, "publication_role"),
        ({SUBMITTER}, "decided", DAY, SUMMARY, "publication_role"),
        (set(), "decided", DAY, SUMMARY, "publication_role"),
        ({OFFICIAL}, "draft", DAY, SUMMARY, "publication_not_decided"),
        ({OFFICIAL}, "recommended", DAY, SUMMARY, "publication_not_decided"),
        ({OFFICIAL}, "withdrawn", DAY, SUMMARY, "publication_not_decided"),
        ({OFFICIAL}, "decided", None, SUMMARY, "publication_not_decided"),
        ({OFFICIAL}, "decided", DAY, "   ", "publication_summary_required"),
        ({OFFICIAL}, "decided", DAY, "x" * rules.PUBLIC_SUMMARY_MAX, None),
        ({OFFICIAL}, "decided", DAY, "x" * (rules.PUBLIC_SUMMARY_MAX + 1), "publication_summary_too_long"),
    ],
)
def test_who_may_make_a_decision_public_and_when(roles, status, effective_from, summary, refusal):
    found = rules.decision_publication_refusal(
        status=status, effective_from=effective_from, summary=summary, roles=roles
    )
    assert (found.code if found else None) == refusal


@pytest.mark.parametrize(
    ("roles", "superseded", "refusal"),
    [
        ({OFFICIAL}, False, None),
        ({OFFICIAL}, True, "publication_superseded"),
        ({ANALYST}, True, "publication_role"),
    ],
)
def test_a_corrected_decision_is_not_made_public(roles, superseded, refusal):
    found = rules.decision_publication_refusal(
        status="decided", effective_from=DAY, summary=SUMMARY, roles=roles, superseded=superseded
    )
    assert (found.code if found else None) == refusal


@pytest.mark.parametrize(
    ("roles", "kind", "status", "refusal"),
    [
        ({OFFICIAL}, "public_summary", "issued", None),
        ({DM}, "public_summary", "issued", None),
        ({ANALYST}, "public_summary", "issued", "publication_role"),
        ({OFFICIAL}, "public_summary", "approved", "publication_not_issued"),
        ({OFFICIAL}, "public_summary", "draft", "publication_not_issued"),
        ({OFFICIAL}, "escalation_notification", "issued", "publication_kind"),
        ({OFFICIAL}, "post_meeting_letter", "issued", "publication_kind"),
        ({OFFICIAL}, "performance_pack", "issued", "publication_kind"),
    ],
)
def test_which_documents_may_be_made_public(roles, kind, status, refusal):
    found = rules.document_publication_refusal(kind=kind, status=status, roles=roles)
    assert (found.code if found else None) == refusal


@pytest.mark.parametrize(
    ("roles", "withdrawn", "reason", "refusal"),
    [
        ({OFFICIAL}, False, "Published in error", None),
        ({OFFICIAL}, False, "  ", "reason_required"),
        ({OFFICIAL}, True, "Again", "publication_withdrawn"),
        ({ANALYST}, False, "Published in error", "publication_role"),
    ],
)
def test_withdrawing_from_the_register(roles, withdrawn, reason, refusal):
    found = rules.withdrawal_refusal(withdrawn=withdrawn, reason=reason, roles=roles)
    assert (found.code if found else None) == refusal


# --- Fixtures ----------------------------------------------------------------------------------


def _decide(world, organisation, to_level, *, on=DAY, effective_from=None, rationale=RATIONALE, scope=None):
    decision = escalation_services.decision_draft(
        actor=world.personas["analyst"],
        organisation=organisation,
        scope=scope or escalation_services.Scope("organisation"),
        to_level=to_level,
        rationale=rationale,
        planned_on=on,
    )
    return escalation_services.decision_decide(
        actor=world.personas["decision_maker"],
        decision=decision,
        expected_version=decision.version,
        decided_on=on,
        effective_from=effective_from,
        minister_decided_on=on if to_level >= 4 else None,
        override_rationale="Sustained improvement, reviewed at the tripartite meeting",
    )


@pytest.fixture
def decided(world, frameworks):
    return _decide(world, world.org_a, 3)


@pytest.fixture
def published(world, decided):
    return publication.decision_publish(
        actor=world.personas["official"], decision=decided, summary=SUMMARY, summary_cy="Mae amseroedd aros wedi codi."
    )


# --- Services ----------------------------------------------------------------------------------


def test_making_a_decision_public_copies_only_its_public_fields(world, decided, published):
    assert published.organisation == world.org_a
    assert (published.from_level, published.to_level) == (1, 3)
    assert published.decided_on == DAY and published.effective_from == DAY
    assert published.scope_label == "Whole organisation"
    assert published.scope_label_cy and published.scope_label_cy != published.scope_label
    assert published.summary == SUMMARY
    assert published.published_by == world.personas["official"]
    fields = {field.name for field in PublishedDecision._meta.get_fields()}
    assert not fields & {"rationale", "evidence", "drafted_by", "decided_by", "recommended_by", "authority"}
    assert published.history.first().history_change_reason.startswith(f"Decision {decided.pk} made public")


def test_a_decision_not_yet_decided_cannot_be_made_public(world, frameworks):
    draft = escalation_services.decision_draft(
        actor=world.personas["analyst"],
        organisation=world.org_a,
        scope=escalation_services.Scope("organisation"),
        to_level=2,
        rationale=RATIONALE,
        planned_on=DAY,
    )
    with pytest.raises(RuleRefused) as refused:
        publication.decision_publish(actor=world.personas["official"], decision=draft, summary=SUMMARY)
    assert refused.value.code == "publication_not_decided"
    assert not PublishedDecision.objects.exists()


def test_the_public_summary_is_required_and_named(world, decided):
    with pytest.raises(RuleRefused) as refused:
        publication.decision_publish(actor=world.personas["official"], decision=decided, summary="  ")
    assert (refused.value.code, refused.value.field) == ("publication_summary_required", "summary")


@pytest.mark.parametrize("persona", ["analyst", "admin"])
def test_only_wg_officials_and_decision_makers_make_things_public(world, decided, persona):
    with pytest.raises(PermissionRefused):
        publication.decision_publish(actor=world.personas[persona], decision=decided, summary=SUMMARY)


def test_another_organisation_cannot_even_see_the_decision(world, decided):
    with pytest.raises(Http404):
        publication.decision_publish(actor=world.personas["submitter_b"], decision=decided, summary=SUMMARY)


def test_changing_the_summary_is_versioned_and_a_stale_change_is_a_conflict(world, decided, published):
    changed = publication.decision_publish(
        actor=world.personas["decision_maker"],
        decision=decided,
        summary="A clearer summary.",
        expected_version=published.version,
    )
    assert changed.summary == "A clearer summary." and changed.version == published.version + 1
    with pytest.raises(ConflictError):
        publication.decision_publish(
            actor=world.personas["official"], decision=decided, summary="Stale", expected_version=published.version
        )
    assert PublishedDecision.objects.get().summary == "A clearer summary."


def test_withdrawing_keeps_the_record_and_publishing_again_restores_it(world, decided, published):
    withdrawn = publication.publication_withdraw(
        actor=world.personas["official"], record=published, reason="Published in error", expected_version=1
    )
    assert withdrawn.withdrawn_on == timezone.localdate() and withdrawn.withdrawn_reason == "Published in error"
    assert not publication.public_decisions().exists()
    with pytest.raises(RuleRefused):
        publication.publication_withdraw(
            actor=world.personas["official"], record=withdrawn, reason="Again", expected_version=withdrawn.version
        )
    again = publication.decision_publish(
        actor=world.personas["official"], decision=decided, summary=SUMMARY, expected_version=withdrawn.version
    )
    assert again.withdrawn_on is None and again.withdrawn_reason == ""
    assert list(publication.public_decisions()) == [again]


def test_current_levels_are_the_latest_published_decision_per_scope(world, decided, published):
    later = _decide(world, world.org_a, 4, on=DAY + timedelta(days=30))
    # Decided, not yet made public: the register still shows level 3.
    assert [row.to_level for row in publication.public_current_levels(on=DAY + timedelta(days=40))] == [3]
    publication.decision_publish(actor=world.personas["official"], decision=later, summary="Worse again.")
    assert [row.to_level for row in publication.public_current_levels(on=DAY + timedelta(days=40))] == [4]
    # Before the later decision took effect, the register as at then says 3.
    assert [row.to_level for row in publication.public_current_levels(on=DAY + timedelta(days=10))] == [3]
    assert list(publication.public_current_levels(on=DAY - timedelta(days=1))) == []


# --- The public pages, without signing in ------------------------------------------------------

PUBLIC_PAGES = ["public:register", "public:decisions", "public:documents"]


def _download(client, name, fmt, **params):
    response = client.get(reverse(name), {**params, "format": fmt})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    body = response.content.decode()
    if fmt == "json":
        return json.loads(body)["records"]
    return list(csv.DictReader(io.StringIO(body)))


def test_the_public_pages_need_no_sign_in(client, published):
    for name in PUBLIC_PAGES:
        assert client.get(reverse(name)).status_code == 200, name
    assert client.get(reverse("public:organisation", args=["ORGA"])).status_code == 200


def test_a_decision_made_public_is_on_the_register_pages_and_downloads(client, world, published):
    register = client.get(reverse("public:register")).content.decode()
    assert "Enhanced monitoring" in register and world.org_a.name in register
    decisions = client.get(reverse("public:decisions")).content.decode()
    assert SUMMARY in decisions
    page = client.get(reverse("public:organisation", args=["ORGA"])).content.decode()
    assert SUMMARY in page
    for fmt in ("csv", "json"):
        (row,) = _download(client, "public:decisions", fmt)
        assert row["organisation_code"] == "ORGA" and row["summary"] == SUMMARY
        assert str(row["to_level"]) == "3" and row["level_name"] == "Enhanced monitoring"
        assert row["summary_cy"] == "Mae amseroedd aros wedi codi."
        (level,) = _download(client, "public:register", fmt)
        assert str(level["level"]) == "3" and level["scope"] == "Whole organisation"


def test_a_decision_not_made_public_is_absent_from_every_public_page_and_download(client, world, frameworks):
    secret = _decide(world, world.org_b, 4, rationale="Unpublished: special measures being considered")
    published_one = _decide(world, world.org_a, 2)
    publication.decision_publish(actor=world.personas["official"], decision=published_one, summary=SUMMARY)

    pages = [client.get(reverse(name)).content.decode() for name in PUBLIC_PAGES] + [
        client.get(reverse("public:organisation", args=[code])).content.decode() for code in ("ORGA", "ORGB")
    ]
    for html in pages:
        assert "Unpublished: special measures being considered" not in html
        assert RATIONALE not in html
    for name in ("public:register", "public:decisions"):
        for fmt in ("csv", "json"):
            rows = _download(client, name, fmt)
            assert [row["organisation_code"] for row in rows] == ["ORGA"]
            assert all("considered" not in json.dumps(row) for row in rows)
    assert secret.status == "decided"
    organisation_b = client.get(reverse("public:organisation", args=["ORGB"])).content.decode()
    assert "No decision about this organisation has been published." in organisation_b


def test_sign_off_names_and_internal_text_never_reach_the_public_pages(client, world, published):
    names = [
        world.personas[p].get_full_name() or world.personas[p].get_username()
        for p in ("official", "decision_maker", "analyst")
    ]
    bodies = [client.get(reverse(name)).content.decode() for name in PUBLIC_PAGES]
    bodies += [client.get(reverse("public:organisation", args=["ORGA"])).content.decode()]
    bodies += [
        json.dumps(_download(client, name, fmt))
        for name in ("public:register", "public:decisions")
        for fmt in ("csv", "json")
    ]
    for body in bodies:
        assert RATIONALE not in body
        for name in names:
            assert name not in body


def test_a_withdrawn_decision_leaves_the_register(client, world, published):
    publication.publication_withdraw(
        actor=world.personas["official"], record=published, reason="Published in error", expected_version=1
    )
    assert SUMMARY not in client.get(reverse("public:decisions")).content.decode()
    assert _download(client, "public:register", "json") == []


def test_the_register_reads_in_welsh(client, published):
    client.cookies["django_language"] = "cy"
    html = client.get(reverse("public:decisions"), HTTP_ACCEPT_LANGUAGE="cy").content.decode()
    assert "Mae amseroedd aros wedi codi." in html
    assert "Monitro uwch" in html  # level 3, Enhanced monitoring


def test_filters_select_and_bad_filters_do_not_fail(client, world, frameworks):
    a = _decide(world, world.org_a, 2)
    b = _decide(world, world.org_b, 3)
    for decision in (a, b):
        publication.decision_publish(
            actor=world.personas["official"], decision=decision, summary=f"Summary {decision.pk}"
        )
    rows = _download(client, "public:decisions", "json", organisation="ORGB")
    assert [row["organisation_code"] for row in rows] == ["ORGB"]
    rows = _download(client, "public:register", "csv", level="2")
    assert [row["organisation_code"] for row in rows] == ["ORGA"]
    for params in ({"organisation": "NOPE"}, {"level": "9"}, {"year": "abc"}, {"page": "999"}):
        assert client.get(reverse("public:decisions"), params).status_code == 200
    assert client.get(reverse("public:organisation", args=["NOPE"])).status_code == 404


def test_public_pages_take_the_same_queries_however_long_the_history(
    client, world, frameworks, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def counts():
        found = {}
        for name in PUBLIC_PAGES:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(reverse(name)).status_code == 200
            found[name] = len(queries)
        with CaptureQueriesContext(connection) as queries:
            client.get(reverse("public:organisation", args=["ORGA"]))
        found["organisation"] = len(queries)
        return found

    first = _decide(world, world.org_a, 2, on=DAY - timedelta(days=60))
    publication.decision_publish(actor=world.personas["official"], decision=first, summary="One")
    before = counts()
    level = 2
    for step in range(1, 10):
        level = 3 if level == 2 else 2
        for organisation in (world.org_a, world.org_b):
            decision = _decide(world, organisation, level, on=DAY - timedelta(days=60 - step * 5))
            publication.decision_publish(actor=world.personas["official"], decision=decision, summary=f"Step {step}")
    assert counts() == before
    assert max(before.values()) <= 8


# --- Documents ---------------------------------------------------------------------------------


@pytest.fixture
def summary_document(world, frameworks):
    document = create_recorded(
        Document(
            kind=Document.Kind.PUBLIC_SUMMARY,
            title="Public accountability summary 2026: Organisation A",
            title_cy="Crynodeb atebolrwydd cyhoeddus 2026: Sefydliad A",
            body="A concise summary of the year's performance.",
            organisation=world.org_a,
            year=2026,
            addressee_name="The public",
            drafted_by=world.personas["analyst"],
        ),
        actor=world.personas["analyst"],
    )
    approved = documents.document_approve(
        actor=world.personas["official"], document=document, expected_version=document.version
    )
    with TestCase.captureOnCommitCallbacks(execute=True):
        documents.document_issue(actor=world.personas["official"], document=approved, expected_version=approved.version)
    return Document.objects.get(pk=document.pk)


def test_an_issued_summary_made_public_is_downloadable_without_sign_in(client, world, summary_document):
    record = publication.document_publish(actor=world.personas["official"], document=summary_document)
    assert record.register_number == summary_document.register_number
    assert record.sha256 == summary_document.sha256 and record.year == 2026
    listing = client.get(reverse("public:documents")).content.decode()
    assert summary_document.title in listing
    response = client.get(reverse("public:document-download", args=[record.register_number]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    data = b"".join(response.streaming_content)
    assert hashlib.sha256(data).hexdigest() == record.sha256
    (row,) = _download(client, "public:documents", "json")
    assert row["register_number"] == record.register_number and row["title_cy"] == summary_document.title_cy
    # Making it public twice makes one record.
    assert publication.document_publish(actor=world.personas["official"], document=summary_document) == record
    assert PublishedDocument.objects.count() == 1


def test_a_letter_or_an_unpublished_summary_is_never_served_publicly(client, world, summary_document):
    assert client.get(reverse("public:document-download", args=[summary_document.register_number])).status_code == 404
    letter = Document.objects.create(
        kind=Document.Kind.ESCALATION_NOTIFICATION,
        title="Letter",
        organisation=world.org_a,
        addressee_name="Chief Executive",
        drafted_by=world.personas["analyst"],
    )
    with pytest.raises(RuleRefused) as refused:
        publication.document_publish(actor=world.personas["official"], document=letter)
    assert refused.value.code == "publication_kind"


def test_a_withdrawn_summary_is_no_longer_served(client, world, summary_document):
    record = publication.document_publish(actor=world.personas["official"], document=summary_document)
    publication.publication_withdraw(
        actor=world.personas["official"], record=record, reason="Superseded", expected_version=record.version
    )
    assert client.get(reverse("public:document-download", args=[record.register_number])).status_code == 404
    assert summary_document.title not in client.get(reverse("public:documents")).content.decode()


# --- The staff pages ---------------------------------------------------------------------------


def test_the_publication_page_shows_what_will_be_public_and_publishes(client, world, decided):
    client.force_login(world.personas["official"])
    url = reverse("reporting:decision-publication", args=[decided.pk])
    page = client.get(url).content.decode()
    assert "What the public register shows" in page and "Make public" in page
    response = client.post(reverse("reporting:decision-publish", args=[decided.pk]), {"summary": "", "summary_cy": ""})
    assert response.status_code == 400
    assert "summary" in response.content.decode().lower()
    assert not PublishedDecision.objects.exists()
    response = client.post(reverse("reporting:decision-publish", args=[decided.pk]), {"summary": SUMMARY})
    assert response.status_code == 302
    assert PublishedDecision.objects.get().summary == SUMMARY
    decision_page = client.get(decided.get_absolute_url()).content.decode()
    assert "Change the public summary or withdraw it" in decision_page


def test_a_stale_summary_change_keeps_what_was_typed(client, world, decided, published):
    client.force_login(world.personas["official"])
    publication.decision_publish(
        actor=world.personas["decision_maker"], decision=decided, summary="Changed meanwhile", expected_version=1
    )
    response = client.post(
        reverse("reporting:decision-publish", args=[decided.pk]), {"summary": "My careful wording", "version": 1}
    )
    assert response.status_code == 409
    assert "My careful wording" in response.content.decode()
    assert PublishedDecision.objects.get().summary == "Changed meanwhile"


def test_withdrawing_from_the_page_needs_a_reason(client, world, decided, published):
    client.force_login(world.personas["official"])
    url = reverse("reporting:decision-publication-withdraw", args=[decided.pk])
    assert client.post(url, {"reason": "", "version": 1}).status_code == 400
    assert client.post(url, {"reason": "Published in error", "version": 1}).status_code == 302
    assert PublishedDecision.objects.get().withdrawn_reason == "Published in error"


def test_an_issued_summary_is_made_public_and_withdrawn_from_its_page(client, world, summary_document):
    client.force_login(world.personas["official"])
    page = client.get(summary_document.get_absolute_url()).content.decode()
    assert "Make public" in page
    response = client.post(reverse("reporting:document-publish", args=[summary_document.pk]))
    assert response.status_code == 302
    record = PublishedDocument.objects.get()
    page = client.get(summary_document.get_absolute_url()).content.decode()
    assert "The public copy" in page and "Make public" not in page
    url = reverse("reporting:document-publication-withdraw", args=[summary_document.pk])
    client.post(url, {"reason": "", "version": record.version})
    assert PublishedDocument.objects.get().withdrawn_on is None  # no reason, nothing withdrawn
    client.post(url, {"reason": "Superseded by the corrected summary", "version": record.version})
    assert PublishedDocument.objects.get().withdrawn_reason == "Superseded by the corrected summary"


def test_an_analyst_sees_no_publication_controls(client, world, summary_document):
    client.force_login(world.personas["analyst"])
    page = client.get(summary_document.get_absolute_url()).content.decode()
    assert "Make public" not in page


def test_a_corrected_decision_leaves_the_current_levels_and_cannot_be_made_public(client, world, published):
    decision = published.decision
    correction = escalation_services.decision_supersede(
        actor=world.personas["decision_maker"],
        decision=decision,
        to_level=2,
        rationale="Recorded wrongly",
        decided_on=DAY,
    )
    assert list(publication.public_current_levels()) == []  # the correction is not public yet
    assert SUMMARY not in client.get(reverse("public:decisions")).content.decode()
    with pytest.raises(RuleRefused) as refused:
        publication.decision_publish(
            actor=world.personas["official"], decision=decision, summary=SUMMARY, expected_version=published.version
        )
    assert refused.value.code == "publication_superseded"
    publication.decision_publish(actor=world.personas["official"], decision=correction, summary="Corrected.")
    assert [row.to_level for row in publication.public_current_levels()] == [2]


def test_a_published_summary_whose_file_has_gone_is_a_404_not_an_error(client, world, summary_document):
    record = publication.document_publish(actor=world.personas["official"], document=summary_document)
    summary_document.file.storage.delete(summary_document.file.name)
    response = client.get(reverse("public:document-download", args=[record.register_number]))
    assert response.status_code == 404
