"""The access log of sensitive reads: who viewed or downloaded an organisation's unreleased
pack, unpublished letter or document, or intelligence; and the administrators' page."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from escalation import services as escalation_services
from escalation.models import IntelligenceItem, TripartiteView
from oversight.models import Attachment, SensitiveRead
from oversight.services import (
    ATTACHMENT_OWNERS_NOT_LOGGED,
    SENSITIVE_ATTACHMENT_OWNERS,
    document_is_unpublished,
    pack_is_unreleased,
)
from reporting import documents
from reporting.models import Document, Pack, PublishedDocument

MAY = date(2026, 5, 1)
DAY = date(2026, 11, 2)


@pytest.fixture
def p(world):
    return world.personas


def _signed_in(client, user):
    client.logout()
    if user.is_authenticated:
        client.force_login(user)
    return client


def _unreleased(world, organisation=None, period=MAY):
    return Pack.objects.create(organisation=organisation or world.org_a, period=period)


def _released(world, period=date(2026, 4, 1)):
    now = timezone.now()
    return Pack.objects.create(
        organisation=world.org_a, period=period, status="released", validated_at=now, released_at=now
    )


def _intelligence(world, organisation=None, summary="Staffing gaps on two wards"):
    return IntelligenceItem.objects.create(
        organisation=organisation or world.org_a,
        body=world.hiw,
        kind="hiw_inspection",
        dated=DAY,
        summary=summary,
        rag="amber",
        created_by=world.personas["partner"],
    )


@pytest.fixture
def letter(world, frameworks):
    """An issued letter of notification to organisation A (rendered and stored for real)."""
    analyst, decision_maker, official = (world.personas[n] for n in ("analyst", "decision_maker", "official"))
    decision = escalation_services.decision_draft(
        actor=analyst,
        organisation=world.org_a,
        scope=escalation_services.Scope("organisation"),
        to_level=2,
        rationale="Persistent 12-hour waits in the emergency department",
        planned_on=DAY,
    )
    decided = escalation_services.decision_decide(
        actor=decision_maker, decision=decision, expected_version=decision.version, decided_on=DAY
    )
    draft = documents.document_draft_from_decision(
        actor=analyst, decision=decided, addressee_name="Dr Jane Jones", addressee_role="Chief Executive"
    )
    approved = documents.document_approve(actor=official, document=draft, expected_version=draft.version)
    with TestCase.captureOnCommitCallbacks(execute=True):
        documents.document_issue(actor=official, document=approved, expected_version=approved.version)
    return Document.objects.get(pk=draft.pk)


# --- Packs -------------------------------------------------------------------------------------


def test_an_analyst_viewing_an_unreleased_pack_makes_one_entry_naming_them_the_organisation_and_the_pack(
    world, p, client
):
    pack = _unreleased(world)
    response = _signed_in(client, p["analyst"]).get(
        pack.get_absolute_url(), REMOTE_ADDR="10.1.2.3", HTTP_X_REQUEST_ID="trace-0123456789"
    )

    assert response.status_code == 200
    entry = SensitiveRead.objects.get()
    assert (entry.user, entry.username, entry.organisation) == (p["analyst"], "analyst", world.org_a)
    assert (entry.kind, entry.action) == ("pack", "viewed")
    assert (entry.object_type, entry.object_id, entry.object_label) == ("reporting.pack", str(pack.pk), str(pack))
    assert entry.path == pack.get_absolute_url() and entry.ip_address == "10.1.2.3"
    assert entry.request_id == response["X-Request-ID"] == "trace-0123456789"  # the request's id, for tracing


def test_behind_a_trusted_proxy_the_entry_records_the_forwarded_address(world, p, client, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    pack = _unreleased(world)
    _signed_in(client, p["analyst"]).get(
        pack.get_absolute_url(), REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.7"
    )

    assert SensitiveRead.objects.get().ip_address == "198.51.100.7"  # the person, not the proxy


def test_downloading_an_unreleased_packs_values_makes_a_downloaded_entry(world, p, client):
    pack = _unreleased(world)
    response = _signed_in(client, p["submitter_a"]).get(pack.get_absolute_url(), {"export": "csv"})

    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    entry = SensitiveRead.objects.get()
    assert (entry.username, entry.kind, entry.action, entry.object_id) == (
        "submitter_a",
        "pack",
        "downloaded",
        str(pack.pk),
    )


def test_the_values_and_narrative_forms_of_an_unreleased_pack_are_logged(world, p, client):
    """They show every value and narrative entered so far, as the pack page does."""
    pack = _unreleased(world)
    client = _signed_in(client, p["submitter_a"])

    assert client.get(reverse("reporting:pack-values", args=[pack.pk])).status_code == 200
    assert client.get(reverse("reporting:pack-narrative", args=[pack.pk])).status_code == 200

    rows = list(SensitiveRead.objects.order_by("pk").values_list("username", "kind", "action", "object_id", "path"))
    assert rows == [
        ("submitter_a", "pack", "viewed", str(pack.pk), reverse("reporting:pack-values", args=[pack.pk])),
        ("submitter_a", "pack", "viewed", str(pack.pk), reverse("reporting:pack-narrative", args=[pack.pk])),
    ]
    _signed_in(client, p["submitter_b"])
    assert client.get(reverse("reporting:pack-values", args=[pack.pk])).status_code == 404
    assert SensitiveRead.objects.count() == 2


def test_viewing_a_released_pack_makes_no_entry(world, p, client):
    pack = _released(world)
    for persona in ("analyst", "submitter_b"):
        assert _signed_in(client, p[persona]).get(pack.get_absolute_url()).status_code == 200
        assert client.get(pack.get_absolute_url(), {"export": "csv"}).status_code == 200

    assert not SensitiveRead.objects.exists()


def test_another_organisations_submitter_gets_a_404_and_makes_no_entry(world, p, client, api_client):
    pack = _unreleased(world)

    assert _signed_in(client, p["submitter_b"]).get(pack.get_absolute_url()).status_code == 404
    assert client.get(pack.get_absolute_url(), {"export": "csv"}).status_code == 404
    api_client.force_authenticate(p["submitter_b"])
    assert api_client.get(reverse("api:reporting-pack-detail", args=[pack.pk])).status_code == 404
    assert not SensitiveRead.objects.exists()


def test_the_api_detail_and_values_of_an_unreleased_pack_are_logged_but_not_the_list(world, p, api_client):
    pack = _unreleased(world)
    released = _released(world)
    api_client.force_authenticate(p["official"])

    assert api_client.get(reverse("api:reporting-pack-list")).status_code == 200
    assert not SensitiveRead.objects.exists()  # the list holds no values: not a read of the content
    assert api_client.get(reverse("api:reporting-pack-detail", args=[pack.pk])).status_code == 200
    assert api_client.get(reverse("api:reporting-pack-values", args=[pack.pk])).status_code == 200
    assert api_client.get(reverse("api:reporting-pack-detail", args=[released.pk])).status_code == 200

    entries = list(SensitiveRead.objects.order_by("pk").values_list("username", "object_id", "action", "path"))
    assert entries == [
        ("official", str(pack.pk), "viewed", reverse("api:reporting-pack-detail", args=[pack.pk])),
        ("official", str(pack.pk), "viewed", reverse("api:reporting-pack-values", args=[pack.pk])),
    ]


def test_a_request_is_logged_once_even_when_the_view_asks_twice(world, p, rf):
    from oversight.services import record_sensitive_read

    pack = _unreleased(world)
    request = rf.get("/reporting/packs/1/")
    request.user = p["analyst"]
    request.request_id = "abc123"
    for _ in range(2):
        record_sensitive_read(request, obj=pack, organisation=world.org_a, kind="pack", action="viewed")

    entry = SensitiveRead.objects.get()
    assert entry.request_id == "abc123"


# --- Letters and documents ---------------------------------------------------------------------


def test_viewing_and_downloading_an_unpublished_letter_make_entries(world, p, client, letter):
    client = _signed_in(client, p["submitter_a"])  # organisation A's own people see its issued letters

    assert client.get(letter.get_absolute_url()).status_code == 200
    download = client.get(reverse("reporting:document-download", args=[letter.pk]))
    assert download.status_code == 200 and download.content.startswith(b"%PDF")

    entries = list(SensitiveRead.objects.order_by("pk"))
    assert [(e.username, e.kind, e.action, e.object_id) for e in entries] == [
        ("submitter_a", "document", "viewed", str(letter.pk)),
        ("submitter_a", "document", "downloaded", str(letter.pk)),
    ]
    assert entries[0].organisation == world.org_a
    assert letter.register_number in entries[0].object_label


def test_another_organisations_letter_is_a_404_and_no_entry(world, p, client, letter):
    client = _signed_in(client, p["submitter_b"])

    assert client.get(letter.get_absolute_url()).status_code == 404
    assert client.get(reverse("reporting:document-download", args=[letter.pk])).status_code == 404
    assert not SensitiveRead.objects.exists()


def test_reading_an_unpublished_letter_in_the_django_admin_is_logged(world, p, client, letter):
    client = _signed_in(client, p["admin"])

    assert client.get(reverse("admin:reporting_document_changelist")).status_code == 200  # titles only
    assert not SensitiveRead.objects.exists()
    change = client.get(reverse("admin:reporting_document_change", args=[letter.pk]))
    assert change.status_code == 200 and letter.body[:40] in change.content.decode()
    version = letter.history.earliest("history_date")
    old = client.get(reverse("admin:reporting_document_simple_history", args=[letter.pk, version.history_id]))
    assert old.status_code == 200

    rows = list(SensitiveRead.objects.order_by("pk").values_list("username", "organisation", "kind", "object_id"))
    assert rows == [("admin", world.org_a.pk, "document", str(letter.pk))] * 2
    assert SensitiveRead.objects.order_by("pk").last().path.endswith(f"/{version.history_id}/")

    PublishedDocument.objects.create(
        document=letter,
        organisation=world.org_a,
        kind=letter.kind,
        title=letter.title,
        register_number=letter.register_number,
        issued_on=letter.issued_on,
        sha256=letter.sha256,
        published_on=DAY,
        published_by=p["official"],
    )  # on the public register now
    assert client.get(reverse("admin:reporting_document_change", args=[letter.pk])).status_code == 200
    assert SensitiveRead.objects.count() == 2


def test_a_document_on_the_public_register_and_a_released_packs_pdf_are_not_sensitive(world):
    summary = Document(kind="public_summary", organisation=world.org_a)
    summary.publication = PublishedDocument(published_on=DAY)
    assert not document_is_unpublished(summary)
    summary.publication.withdrawn_on = DAY  # withdrawn from the register: private again
    assert document_is_unpublished(summary)

    unreleased_pdf = Document(kind="performance_pack", organisation=world.org_a, pack=_unreleased(world))
    released_pdf = Document(kind="performance_pack", organisation=world.org_a, pack=_released(world))
    assert document_is_unpublished(unreleased_pdf) and not document_is_unpublished(released_pdf)
    assert pack_is_unreleased(unreleased_pdf.pack) and not pack_is_unreleased(released_pdf.pack)


# --- Intelligence ------------------------------------------------------------------------------


def test_viewing_intelligence_makes_an_entry_per_organisation_on_the_page(world, p, client, frameworks):
    a1, a2, b1 = _intelligence(world), _intelligence(world), _intelligence(world, world.org_b)
    page = _signed_in(client, p["official"]).get(reverse("escalation:intelligence-list"))

    assert page.status_code == 200 and "Staffing gaps" in page.content.decode()
    entries = {e.organisation_id: e for e in SensitiveRead.objects.all()}
    assert set(entries) == {world.org_a.pk, world.org_b.pk}
    assert {e.kind for e in entries.values()} == {"intelligence"}
    assert f"#{a1.pk}" in entries[world.org_a.pk].object_label
    assert f"#{a2.pk}" in entries[world.org_a.pk].object_label
    assert f"#{b1.pk}" in entries[world.org_b.pk].object_label


def test_intelligence_a_user_may_not_see_makes_no_entry(world, p, client, api_client, frameworks):
    item = _intelligence(world)
    assert _signed_in(client, p["submitter_a"]).get(reverse("escalation:intelligence-list")).status_code == 200
    api_client.force_authenticate(p["submitter_a"])  # an organisation never sees intelligence about itself
    assert api_client.get(reverse("api:escalation-intelligence-detail", args=[item.pk])).status_code == 404

    assert not SensitiveRead.objects.exists()


def test_the_intelligence_export_and_api_detail_are_logged(world, p, client, api_client, frameworks):
    item = _intelligence(world)
    export = _signed_in(client, p["analyst"]).get(reverse("escalation:intelligence-list"), {"export": "csv"})
    assert export.status_code == 200 and "Staffing gaps" in export.content.decode()
    api_client.force_authenticate(p["partner"])  # HIW's own item
    assert api_client.get(reverse("api:escalation-intelligence-detail", args=[item.pk])).status_code == 200

    rows = list(SensitiveRead.objects.order_by("pk").values_list("username", "action", "object_type", "object_id"))
    assert rows == [
        ("analyst", "downloaded", "escalation.intelligenceitem", ""),
        ("partner", "viewed", "escalation.intelligenceitem", str(item.pk)),
    ]


def test_sharing_intelligence_through_the_api_logs_the_item_it_answers_with(world, p, api_client, frameworks):
    item = _intelligence(world)
    api_client.force_authenticate(p["official"])

    response = api_client.post(reverse("api:escalation-intelligence-share", args=[item.pk]), {"version": item.version})

    assert response.status_code == 200 and response.json()["summary"] == item.summary
    entry = SensitiveRead.objects.get()
    assert (entry.username, entry.organisation, entry.kind, entry.action, entry.object_id) == (
        "official",
        world.org_a,
        "intelligence",
        "viewed",
        str(item.pk),
    )


def test_a_tripartite_round_logs_each_organisation_whose_shared_view_it_shows(world, p, client, frameworks):
    official = p["official"]
    round_ = escalation_services.tripartite_round_create(
        actor=official, held_on=date(2026, 10, 14), title="Autumn 2026 round", participants=[world.hiw]
    )
    for organisation in (world.org_a, world.org_b):
        TripartiteView.objects.create(
            round=round_, organisation=organisation, shared_view="Stable", recommendation="maintain"
        )

    assert _signed_in(client, p["partner"]).get(round_.get_absolute_url()).status_code == 200

    rows = set(SensitiveRead.objects.values_list("username", "organisation__code", "object_label"))
    assert rows == {
        ("partner", "ORGA", "Tripartite round: Autumn 2026 round"),
        ("partner", "ORGB", "Tripartite round: Autumn 2026 round"),
    }


# --- Attachments -------------------------------------------------------------------------------


def _pdf(name):
    return SimpleUploadedFile(name, b"%PDF-1.4\n% evidence\n", content_type="application/pdf")


@pytest.fixture
def filed(world, frameworks):
    """A file of organisation A's attached to each kind of record the services attach files
    to, each made by its own service: {(app label, model): attachment}."""
    from accountability import services as accountability_services
    from escalation.models import Domain
    from meetings import services as meeting_services
    from meetings.models import MeetingType
    from plans import reference as plans_reference
    from plans import services as plans_services
    from plans import submissions
    from plans.models import PlanningCycle, RequiredSubmission

    who = world.personas
    submitter, analyst, official = who["submitter_a"], who["analyst"], who["official"]
    plans_reference.seed()
    on = date(2026, 2, 10)
    draft = escalation_services.decision_draft(
        actor=analyst,
        organisation=world.org_a,
        scope=escalation_services.Scope("organisation"),
        to_level=3,
        rationale="Financial position worsening",
        planned_on=on,
    )
    case = escalation_services.decision_decide(
        actor=who["decision_maker"], decision=draft, expected_version=draft.version, decided_on=on,
        minister_decided_on=on, notified_on=on, override_rationale="Test",
    ).case  # fmt: skip

    criterion = escalation_services.criterion_propose(actor=analyst, case=case, text="Balanced plan approved")
    escalation_services.criterion_evidence_add(actor=submitter, criterion=criterion, upload=_pdf("criterion.pdf"))
    escalation_services.concern_raise(
        actor=submitter,
        organisation=world.org_a,
        title="Theatre staffing",
        description="Two theatres closed for want of staff",
        on=on,
        upload=_pdf("concern.pdf"),
    )
    request = escalation_services.request_send(
        actor=analyst, organisation=world.org_a, question="Your recovery plan?", sent_on=on, due_on=on
    )
    escalation_services.request_answer(
        actor=submitter, request=request, expected_version=request.version, response="Attached", on=on,
        upload=_pdf("answer.pdf"),
    )  # fmt: skip
    submissions.submissions_schedule(today=date(2026, 5, 20))
    owed = RequiredSubmission.objects.filter(case=case).first()
    plans_services.submission_receive(
        actor=submitter, submission=owed, expected_version=owed.version, received_on=date(2026, 5, 9),
        today=date(2026, 5, 20), upload=_pdf("submission.pdf"),
    )  # fmt: skip
    meeting = meeting_services.meeting_create(
        actor=official,
        meeting_type=MeetingType.objects.get(code="ceo_review"),
        starts_at=timezone.now() + timedelta(days=30),
        organisation=world.org_a,
    )
    meeting_services.paper_submit(actor=submitter, meeting=meeting, upload=_pdf("paper.pdf"))

    plan = plans_services.plan_record(
        actor=analyst, organisation=world.org_a, cycle=PlanningCycle.objects.get(code="2025-28"), plan_type="imtp",
        submitted_on=date(2025, 3, 28), board_approved_on=None, financially_balanced=True, today=DAY,
    )  # fmt: skip
    response = plans_services.response_record(
        actor=analyst, plan=plan, issued_on=date(2025, 7, 20), summary="Accepted with conditions", today=DAY
    )
    condition = plans_services.condition_add(
        actor=analyst, response=response, text="Agree a recovery plan", due_on=date(2026, 9, 30), owner="Finance",
        pillar=Domain.objects.get(era__code="2026", code="finance"),
    )  # fmt: skip
    plans_services.condition_evidence_add(actor=submitter, condition=condition, upload=_pdf("condition.pdf"))
    objective = accountability_services.objective_set(
        actor=official, organisation=world.org_a, year=2026, text="Objective", today=DAY
    )
    accountability_services.objective_evidence_add(actor=submitter, objective=objective, upload=_pdf("chair.pdf"))
    assessment = accountability_services.assessment_start(
        actor=submitter, organisation=world.org_a, year=2026, today=DAY
    )
    accountability_services.assessment_evidence_add(actor=submitter, assessment=assessment, upload=_pdf("wellled.pdf"))

    found = {}
    for attachment in Attachment.objects.select_related("target_type"):
        assert attachment.organisation == world.org_a, attachment
        found[(attachment.target_type.app_label, attachment.target_type.model)] = attachment
    assert len(found) == Attachment.objects.count() == 8  # one of each, as the test means
    return found


def test_every_kind_of_record_files_are_attached_to_is_classed_sensitive_or_not(filed):
    """Each owner a service attaches files to is in exactly one of the two sets, and neither set
    names a record nothing attaches files to (as the sets' first version did)."""
    assert not SENSITIVE_ATTACHMENT_OWNERS & ATTACHMENT_OWNERS_NOT_LOGGED
    assert set(filed) == SENSITIVE_ATTACHMENT_OWNERS | ATTACHMENT_OWNERS_NOT_LOGGED


def test_downloading_intelligence_escalation_evidence_or_a_meeting_paper_is_logged_and_other_files_are_not(
    world, p, client, filed
):
    client = _signed_in(client, p["official"])
    for attachment in filed.values():
        assert client.get(reverse("attachment-download", args=[attachment.pk])).status_code == 200

    entries = {e.object_id: e for e in SensitiveRead.objects.all()}
    logged = {key for key, attachment in filed.items() if str(attachment.pk) in entries}
    assert logged == {
        ("escalation", "concern"),
        ("escalation", "informationrequest"),
        ("escalation", "deescalationcriterion"),
        ("plans", "requiredsubmission"),
        ("meetings", "meeting"),
    }
    for key in logged:
        entry = entries[str(filed[key].pk)]
        assert (entry.username, entry.organisation, entry.kind, entry.action) == (
            "official",
            world.org_a,
            "attachment",
            "downloaded",
        )
        assert entry.object_type == "oversight.attachment"
        assert f"{key[0]}.{key[1]} #{filed[key].target_id}" in entry.object_label


def test_logging_a_download_costs_one_insert_and_no_other_query(world, p, client, filed):
    client = _signed_in(client, p["official"])
    url = lambda key: reverse("attachment-download", args=[filed[key].pk])  # noqa: E731
    client.get(url(("plans", "accountabilitycondition")))  # the session and the like, warmed

    with CaptureQueriesContext(connection) as plain:
        client.get(url(("accountability", "chairobjective")))
    with CaptureQueriesContext(connection) as logged:
        client.get(url(("escalation", "concern")))

    assert SensitiveRead.objects.count() == 1
    assert len(logged) == len(plain) + 1, [q["sql"] for q in logged.captured_queries]
    log_queries = [q["sql"] for q in logged.captured_queries if "oversight_sensitiveread" in q["sql"]]
    assert len(log_queries) == 1 and log_queries[0].startswith("INSERT")


def test_another_organisations_submitter_gets_a_404_for_a_sensitive_file_and_makes_no_entry(p, client, filed):
    client = _signed_in(client, p["submitter_b"])
    assert client.get(reverse("attachment-download", args=[filed[("escalation", "concern")].pk])).status_code == 404
    assert not SensitiveRead.objects.exists()


# --- Append-only -------------------------------------------------------------------------------


def test_an_entry_is_never_changed_or_deleted(world, p, client):
    _signed_in(client, p["analyst"]).get(_unreleased(world).get_absolute_url())
    entry = SensitiveRead.objects.get()
    entry.username = "someone else"

    with pytest.raises(ValueError, match="never changed"):
        entry.save()
    with pytest.raises(ValueError, match="never deleted"):
        entry.delete()
    assert SensitiveRead.objects.get().username == "analyst"


def test_the_django_admin_registers_the_log_read_only(world, p, rf):
    from django.contrib import admin

    model_admin = admin.site._registry[SensitiveRead]
    request = rf.get("/admin/")
    request.user = p["admin"]  # a superuser: only the model admin itself can refuse

    assert model_admin.has_view_permission(request)
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)


# --- The administrators' page ------------------------------------------------------------------

PAGE = "sensitive-read-list"


def _entries(world, p, n, *, days_ago=0):
    """n log entries: analyst and official reading org A's and org B's packs in turn."""
    at = timezone.now() - timedelta(days=days_ago)
    rows = []
    for i in range(n):
        organisation = world.org_a if i % 2 == 0 else world.org_b
        user = p["analyst"] if i % 3 == 0 else p["official"]
        rows.append(
            SensitiveRead(
                at=at - timedelta(seconds=i),
                user=user,
                username=user.username,
                organisation=organisation,
                kind="pack" if i % 4 else "intelligence",
                action="viewed" if i % 5 else "downloaded",
                object_type="reporting.pack",
                object_id=str(i),
                object_label=f'=HYPERLINK("x") read {i}',
                path=f"/reporting/packs/{i}/",
            )
        )
    SensitiveRead.objects.bulk_create(rows)


def test_the_page_lists_entries_newest_first_and_its_filters_work(world, p, client):
    _entries(world, p, 6)
    _entries(world, p, 2, days_ago=10)
    admin = _signed_in(client, p["admin"])
    url = reverse(PAGE)

    response = admin.get(url)
    assert response.status_code == 200
    shown = list(response.context["object_list"])
    assert len(shown) == 8 and shown == sorted(shown, key=lambda e: e.at, reverse=True)
    assert "Access log of sensitive reads" in response.content.decode()
    count = lambda params: admin.get(url, params).context["paginator"].count  # noqa: E731
    assert count({"organisation": "ORGA"}) == 4
    # Entries 0 and 3 of the six and entry 0 of the two: the analyst's; 0 and 4, and 0: intelligence;
    # 0 and 5, and 0: downloads.
    assert count({"user": "ANALYST"}) == 3
    assert count({"kind": "intelligence"}) == 3
    assert count({"action": "downloaded"}) == 3
    assert count({"organisation": "ORGA", "user": "analyst", "kind": "intelligence"}) == 2
    today = timezone.localdate()
    assert count({"date_from": (today - timedelta(days=1)).isoformat()}) == 6
    assert count({"date_to": (today - timedelta(days=5)).isoformat()}) == 2
    bad = admin.get(url, {"date_from": "yesterday"})
    assert bad.status_code == 200 and "Enter a valid date" in bad.content.decode()


def test_the_page_exports_the_filtered_entries_as_csv_with_formulas_neutralised(world, p, client):
    _entries(world, p, 6)
    response = _signed_in(client, p["admin"]).get(reverse(PAGE), {"organisation": "ORGB", "export": "csv"})

    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == 3 and {r["Organisation"] for r in rows} == {"ORGB"}
    assert all(r["Item"].startswith("'=HYPERLINK") for r in rows)
    assert {r["User name"] for r in rows} <= {"analyst", "official"}
    xlsx = client.get(reverse(PAGE), {"export": "xlsx"})
    assert xlsx.status_code == 200 and xlsx.content.startswith(b"PK")


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("anonymous", 302),
        ("official", 403),
        ("decision_maker", 403),
        ("analyst", 403),
        ("submitter_a", 403),
        ("submitter_b", 403),
        ("partner", 403),
        ("admin", 200),
    ],
)
def test_only_administrators_see_the_page_or_its_export(world, p, client, persona, status):
    _entries(world, p, 2)
    client = _signed_in(client, p[persona])

    assert client.get(reverse(PAGE)).status_code == status
    export = client.get(reverse(PAGE), {"export": "csv"})
    assert export.status_code == status
    if status != 200:
        assert b"HYPERLINK" not in export.content


def test_the_page_is_linked_for_administrators_only(world, p, client):
    assert reverse(PAGE) in _signed_in(client, p["admin"]).get(reverse("home")).content.decode()
    assert reverse(PAGE) not in _signed_in(client, p["submitter_a"]).get(reverse("home")).content.decode()


def _queries(client, params=None):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse(PAGE), params or {})
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("params", [None, {"organisation": "ORGA", "kind": "pack"}, {"export": "csv"}])
def test_the_page_makes_as_many_queries_at_50_entries_as_at_5(world, p, client, params):
    admin = _signed_in(client, p["admin"])
    _entries(world, p, 5)
    small = _queries(admin, params)
    _entries(world, p, 45, days_ago=1)
    large = _queries(admin, params)

    assert small == large, f"{small} queries at 5 entries but {large} at 50"
    # Session, user, second-factor device, roles; with an organisation filter its lookup; the
    # count, the organisation choices (two) and the page.
    assert large <= 9, f"{large} queries"
