"""Documents (issue 6): the rules, the lifecycle, the PDF's content, the pages and downloads."""

from __future__ import annotations

import hashlib
import io
from datetime import date

import pytest
from django.http import Http404
from django.test import TestCase
from django.urls import reverse
from pypdf import PdfReader

from escalation import services as escalation_services
from oversight.errors import ConflictError, OversightError, PermissionRefused, RuleRefused
from reporting import documents, rules
from reporting.models import Document

DAY = date(2026, 11, 2)

# --- Rules -------------------------------------------------------------------------------------

OFFICIAL, DM, ANALYST, SECRETARIAT, SUBMITTER = (
    "wg_official",
    "wg_decision_maker",
    "nhspi_analyst",
    "wg_secretariat",
    "org_submitter",
)


@pytest.mark.parametrize(
    ("status", "to_status", "kind", "level", "roles", "own", "refusal"),
    [
        ("draft", "draft", "escalation_notification", 2, {OFFICIAL}, False, None),
        ("draft", "draft", "escalation_notification", 2, {ANALYST}, False, None),
        ("draft", "draft", "escalation_notification", 2, {SUBMITTER}, False, "document_role"),
        ("draft", "draft", "post_meeting_letter", None, {SECRETARIAT}, False, None),
        ("draft", "approved", "escalation_notification", 2, {OFFICIAL}, False, None),
        ("draft", "approved", "escalation_notification", 3, {DM}, False, None),
        ("draft", "approved", "escalation_notification", 4, {OFFICIAL}, False, "document_approver"),
        ("draft", "approved", "escalation_notification", 5, {DM}, False, None),
        ("draft", "approved", "escalation_notification", 5, {DM}, True, None),
        ("draft", "approved", "letter_of_concern", 1, {OFFICIAL}, False, None),
        ("draft", "approved", "letter_of_concern", 1, {OFFICIAL}, True, "document_own_draft"),
        ("draft", "approved", "letter_of_concern", 1, {ANALYST}, False, "document_approver"),
        ("draft", "approved", "post_meeting_letter", None, {SECRETARIAT}, False, "document_approver"),
        ("draft", "issued", "letter_of_concern", 1, {OFFICIAL}, False, "document_transition"),
        ("approved", "issued", "letter_of_concern", 1, {SECRETARIAT}, False, None),
        ("approved", "issued", "letter_of_concern", 1, {ANALYST}, False, "document_role"),
        ("issued", "draft", "letter_of_concern", 1, {DM}, False, "document_issued"),
        ("issued", "approved", "letter_of_concern", 1, {DM}, False, "document_issued"),
    ],
)
def test_document_transitions(status, to_status, kind, level, roles, own, refusal):
    found = rules.document_transition_refusal(
        status=status, to_status=to_status, kind=kind, level=level, roles=roles, drafted_by_self=own
    )
    assert (found.code if found else None) == refusal


@pytest.mark.parametrize(
    ("status", "refusal"), [("draft", None), ("approved", "document_not_draft"), ("issued", "document_issued")]
)
def test_only_a_draft_is_editable(status, refusal):
    found = rules.document_editable_refusal(status=status)
    assert (found.code if found else None) == refusal


@pytest.mark.parametrize(
    ("year", "sequence", "number"),
    [(2026, 1, "OVS-2026-000001"), (2026, 123, "OVS-2026-000123"), (2027, 999_999, "OVS-2027-999999")],
)
def test_register_number_format(year, sequence, number):
    assert rules.register_number(year=year, sequence=sequence) == number


@pytest.mark.parametrize("sequence", [0, 1_000_000])
def test_register_number_out_of_range(sequence):
    with pytest.raises(ValueError):
        rules.register_number(year=2026, sequence=sequence)


@pytest.mark.parametrize(
    ("numbers", "year", "expected"),
    [
        ([], 2026, 1),
        (["OVS-2026-000004", "OVS-2026-000011", "OVS-2025-000099"], 2026, 12),
        (["OVS-2025-000099"], 2026, 1),
        (["OVS-2026-abc", None, ""], 2026, 1),
    ],
)
def test_next_register_sequence(numbers, year, expected):
    assert rules.next_register_sequence(numbers, year=year) == expected


@pytest.mark.parametrize(
    ("from_level", "to_level", "kind"), [(1, 2, "escalation"), (4, 3, "de-escalation"), (3, 3, "no_change")]
)
def test_notification_kind(from_level, to_level, kind):
    assert rules.notification_kind(from_level=from_level, to_level=to_level) == kind


# --- Fixtures ----------------------------------------------------------------------------------


@pytest.fixture
def decided(world, frameworks):
    """Organisation A escalated from level 1 to 2 for its whole organisation, decided."""
    analyst, decision_maker = world.personas["analyst"], world.personas["decision_maker"]
    decision = escalation_services.decision_draft(
        actor=analyst,
        organisation=world.org_a,
        scope=escalation_services.Scope("organisation"),
        to_level=2,
        rationale="Persistent 12-hour waits in the emergency department",
        planned_on=DAY,
    )
    return escalation_services.decision_decide(
        actor=decision_maker, decision=decision, expected_version=decision.version, decided_on=DAY
    )


@pytest.fixture
def draft(world, decided):
    return documents.document_draft_from_decision(
        actor=world.personas["analyst"],
        decision=decided,
        addressee_name="Dr Jane Jones",
        addressee_role="Chief Executive",
    )


def _issue(world, document, actor="official"):
    approved = documents.document_approve(
        actor=world.personas[actor], document=document, expected_version=document.version
    )
    with TestCase.captureOnCommitCallbacks(execute=True):  # the task is queued once the transaction commits
        documents.document_issue(actor=world.personas[actor], document=approved, expected_version=approved.version)
    return Document.objects.get(pk=document.pk)


def _text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


# --- Lifecycle ---------------------------------------------------------------------------------


def test_a_draft_from_a_decision_says_what_the_letter_must(draft, decided):
    assert draft.status == "draft"
    assert draft.kind == "escalation_notification"
    assert draft.decision == decided and draft.organisation == decided.organisation and draft.level == 2
    assert "Persistent 12-hour waits" in draft.body
    assert "level 2, Area of concern" in draft.body
    assert "What level 2 means" in draft.body
    # No criteria yet: the deadline for agreeing them (six weeks after the decision).
    assert "14 December 2026" in draft.body
    assert draft.history.first().history_user.username == "analyst"


def test_a_draft_needs_a_decided_decision(world, frameworks):
    decision = escalation_services.decision_draft(
        actor=world.personas["analyst"],
        organisation=world.org_a,
        scope=escalation_services.Scope("organisation"),
        to_level=2,
        rationale="r",
        planned_on=DAY,
    )
    with pytest.raises(OversightError) as refused:
        documents.document_draft_from_decision(actor=world.personas["analyst"], decision=decision)
    assert refused.value.code == "decision_not_decided"


def test_an_organisation_cannot_draft_its_own_letter(world, decided):
    with pytest.raises(PermissionRefused):
        documents.document_draft_from_decision(actor=world.personas["submitter_a"], decision=decided)
    with pytest.raises(Http404):
        documents.document_draft_from_decision(actor=world.personas["submitter_b"], decision=decided)


def test_editing_a_draft_is_versioned(world, draft):
    edited = documents.document_update(
        actor=world.personas["official"],
        document=draft,
        expected_version=draft.version,
        body="New text.",
        reason="Tone",
    )
    assert edited.body == "New text." and edited.version == draft.version + 1
    assert edited.history.first().history_change_reason == "Tone"
    with pytest.raises(ConflictError):
        documents.document_update(
            actor=world.personas["official"], document=draft, expected_version=draft.version, body="Stale."
        )


def test_approval_is_by_the_signatorys_role(world, draft):
    with pytest.raises(PermissionRefused):
        documents.document_approve(actor=world.personas["analyst"], document=draft, expected_version=draft.version)
    approved = documents.document_approve(
        actor=world.personas["official"], document=draft, expected_version=draft.version
    )
    assert approved.status == "approved"
    assert approved.signatory == world.personas["official"] and approved.approved_by == world.personas["official"]


def test_an_official_does_not_approve_their_own_draft(world, decided):
    own = documents.document_draft_from_decision(actor=world.personas["official"], decision=decided)
    with pytest.raises(RuleRefused) as refused:
        documents.document_approve(actor=world.personas["official"], document=own, expected_version=own.version)
    assert refused.value.code == "document_own_draft"


def test_issuing_stores_the_pdf_with_its_number_and_checksum(world, draft):
    issued = _issue(world, draft)
    assert issued.status == "issued"
    assert issued.register_number.startswith(f"OVS-{issued.issued_on.year}-")
    data = issued.file.open("rb").read()
    assert hashlib.sha256(data).hexdigest() == issued.sha256
    assert issued.size == len(data) and issued.page_count == len(PdfReader(io.BytesIO(data)).pages)
    assert issued.history.first().history_change_reason.startswith("Issued as OVS-")


def test_issuing_twice_issues_once(world, draft):
    issued = _issue(world, draft)
    with TestCase.captureOnCommitCallbacks(execute=True) as queued:
        again = documents.document_issue(actor=world.personas["official"], document=issued, expected_version=1)
    assert queued == []
    again.refresh_from_db()
    assert (again.register_number, again.sha256, again.version) == (
        issued.register_number,
        issued.sha256,
        issued.version,
    )
    assert documents.document_issue_now(issued.pk, world.personas["official"].pk).sha256 == issued.sha256
    assert Document.objects.filter(register_number__isnull=False).count() == 1


def test_register_numbers_follow_on(world, decided):
    first = _issue(world, documents.document_draft_from_decision(actor=world.personas["analyst"], decision=decided))
    second = _issue(world, documents.document_draft_from_decision(actor=world.personas["analyst"], decision=decided))
    assert int(second.register_number[-6:]) == int(first.register_number[-6:]) + 1


def test_an_unapproved_draft_is_not_issued(world, draft):
    with pytest.raises(RuleRefused) as refused:
        documents.document_issue(actor=world.personas["official"], document=draft, expected_version=draft.version)
    assert refused.value.code == "document_transition"
    draft.refresh_from_db()
    assert draft.status == "draft" and not draft.file


def test_an_issued_document_is_immutable(world, draft):
    issued = _issue(world, draft)
    with pytest.raises(RuleRefused) as refused:
        documents.document_update(
            actor=world.personas["official"], document=issued, expected_version=issued.version, body="Changed"
        )
    assert refused.value.code == "document_issued"
    with pytest.raises(RuleRefused):
        documents.document_approve(actor=world.personas["official"], document=issued, expected_version=issued.version)
    issued.refresh_from_db()
    assert issued.body != "Changed"


def test_a_reissue_points_at_the_one_it_replaces(world, draft):
    issued = _issue(world, draft)
    with pytest.raises(OversightError):
        documents.document_reissue(actor=world.personas["official"], document=issued, reason=" ")
    correction = documents.document_reissue(
        actor=world.personas["analyst"], document=issued, reason="Wrong effective date"
    )
    assert correction.replaces == issued and correction.status == "draft" and correction.register_number is None
    assert correction.body == issued.body and issued.replaced_by == correction
    with pytest.raises(OversightError) as refused:
        documents.document_reissue(actor=world.personas["official"], document=issued, reason="Again")
    assert refused.value.code == "document_replaced"
    reissued = _issue(world, correction)
    assert reissued.register_number != issued.register_number


def test_only_an_issued_document_is_reissued(world, draft):
    with pytest.raises(OversightError) as refused:
        documents.document_reissue(actor=world.personas["official"], document=draft, reason="r")
    assert refused.value.code == "document_not_issued"


# --- The PDF -----------------------------------------------------------------------------------


def test_the_pdf_says_who_what_and_why(world, draft):
    issued = _issue(world, draft)
    text = _text(issued.file.open("rb").read())
    assert "Dr Jane Jones" in text
    assert "Organisation A University Health Board" in text
    assert "Area of concern" in text
    assert "Persistent 12-hour waits" in text
    assert issued.register_number in text
    assert f"Page 1 of {issued.page_count}" in text
    assert "Welsh Government" in text and "NHS Wales" in text
    assert "Draft: not issued" not in text


def test_a_welsh_letter_has_the_welsh_level_name(world, decided):
    document = documents.document_draft_from_decision(actor=world.personas["analyst"], decision=decided, language="cy")
    issued = _issue(world, document)
    text = _text(issued.file.open("rb").read())
    assert "Maes sy'n peri pryder" in text or "Maes sy’n peri pryder" in text
    assert "Area of concern" not in text


def test_a_bilingual_letter_is_welsh_first_then_english(world, decided):
    document = documents.document_draft_from_decision(
        actor=world.personas["analyst"], decision=decided, language="bilingual"
    )
    text = _text(_issue(world, document).file.open("rb").read())
    assert "Area of concern" in text
    assert text.index("peri pryder") < text.index("Area of concern")


def test_a_preview_is_marked_as_a_draft(draft):
    assert "Draft: not issued" in _text(documents.document_preview(draft).data)


# --- Pages -------------------------------------------------------------------------------------


def _signed_in(client, world, persona):
    client.force_login(world.personas[persona])
    return client


def test_drafting_from_the_decision_page(client, world, decided):
    page = _signed_in(client, world, "analyst").get(decided.get_absolute_url())
    draft_url = reverse("reporting:document-draft", args=[decided.pk])
    assert draft_url in page.content.decode()
    response = client.post(draft_url, {"language": "cy", "addressee_name": "", "addressee_role": ""})
    document = Document.objects.get(decision=decided)
    assert response.status_code == 302 and response["Location"] == document.get_absolute_url()
    assert document.language == "cy" and document.addressee_name  # the chief executive by default
    assert "Maes sy'n peri pryder" in document.body_cy


def test_the_decision_page_offers_no_letter_to_the_organisation(client, world, decided):
    page = _signed_in(client, world, "submitter_a").get(decided.get_absolute_url())
    assert page.status_code == 200
    assert reverse("reporting:document-draft", args=[decided.pk]) not in page.content.decode()


def test_the_whole_lifecycle_through_the_pages(client, world, draft, django_capture_on_commit_callbacks):
    official = _signed_in(client, world, "official")
    detail = reverse("reporting:document-detail", args=[draft.pk])
    response = official.post(
        reverse("reporting:document-edit", args=[draft.pk]),
        {
            "version": draft.version,
            "title": draft.title,
            "language": "en",
            "addressee_name": "Dr Jane Jones",
            "addressee_role": "Chief Executive",
            "body": "The edited text.\n\nA second paragraph.",
            "body_cy": "",
            "reason": "Shorter",
        },
    )
    assert response.status_code == 302
    stale = official.post(
        reverse("reporting:document-edit", args=[draft.pk]),
        {"version": draft.version, "title": "Stale", "language": "en", "addressee_name": "X", "body": "Stale"},
    )
    assert stale.status_code == 409
    draft.refresh_from_db()
    assert draft.body.startswith("The edited text.") and draft.title != "Stale"
    assert (
        official.post(reverse("reporting:document-approve", args=[draft.pk]), {"version": draft.version}).status_code
        == 302
    )
    draft.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        issued = official.post(reverse("reporting:document-issue", args=[draft.pk]), {"version": draft.version})
    assert issued.status_code == 302
    draft.refresh_from_db()
    assert draft.status == "issued"
    page = official.get(detail).content.decode()
    assert draft.register_number in page and reverse("reporting:document-download", args=[draft.pk]) in page
    reissued = official.post(reverse("reporting:document-reissue", args=[draft.pk]), {"reason": "Wrong date"})
    correction = Document.objects.get(replaces=draft)
    assert reissued["Location"] == correction.get_absolute_url()


def test_the_download_serves_exactly_the_stored_bytes(client, world, draft):
    issued = _issue(world, draft)
    for persona in ("official", "submitter_a"):
        response = _signed_in(client, world, persona).get(reverse("reporting:document-download", args=[issued.pk]))
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        assert hashlib.sha256(response.content).hexdigest() == issued.sha256
        assert len(response.content) == issued.size
    response = _signed_in(client, world, "submitter_b").get(reverse("reporting:document-download", args=[issued.pk]))
    assert response.status_code == 404


def test_a_draft_is_not_downloadable(client, world, draft):
    response = _signed_in(client, world, "official").get(reverse("reporting:document-download", args=[draft.pk]))
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("persona", "sees_draft", "sees_issued"),
    [
        ("official", True, True),
        ("analyst", True, True),
        ("submitter_a", False, True),  # the organisation sees its issued letters, never drafts
        ("submitter_b", False, False),
        ("partner", False, False),
    ],
)
def test_who_sees_which_document(client, world, decided, persona, sees_draft, sees_issued):
    analyst = world.personas["analyst"]
    issued = _issue(world, documents.document_draft_from_decision(actor=analyst, decision=decided))
    draft = documents.document_draft_from_decision(actor=analyst, decision=decided)
    signed_in = _signed_in(client, world, persona)
    for document, seen in ((draft, sees_draft), (issued, sees_issued)):
        status = signed_in.get(reverse("reporting:document-detail", args=[document.pk])).status_code
        assert status == (200 if seen else 404)
    listed = signed_in.get(reverse("reporting:document-list")).context["object_list"]
    assert {d.pk for d in listed} == {d.pk for d, seen in ((draft, sees_draft), (issued, sees_issued)) if seen}


def test_the_register_filters_and_exports(client, world, decided):
    analyst = world.personas["analyst"]
    issued = _issue(world, documents.document_draft_from_decision(actor=analyst, decision=decided))
    documents.document_draft_from_decision(actor=analyst, decision=decided)
    official = _signed_in(client, world, "official")
    url = reverse("reporting:document-list")
    assert [d.pk for d in official.get(url, {"status": "issued"}).context["object_list"]] == [issued.pk]
    assert [d.pk for d in official.get(url, {"number": issued.register_number}).context["object_list"]] == [issued.pk]
    assert official.get(url, {"q": "12-hour waits"}).context["paginator"].count == 2
    assert official.get(url, {"q": "no such words"}).context["paginator"].count == 0
    assert official.get(url, {"organisation": "ORGB"}).context["paginator"].count == 0
    csv = official.get(url, {"export": "csv", "status": "issued"}).content.decode()
    assert issued.register_number in csv and issued.sha256 in csv and csv.count("\n") == 2


def test_the_register_query_count_does_not_grow_with_rows(client, world, decided, django_assert_max_num_queries):
    for _ in range(6):
        documents.document_draft_from_decision(actor=world.personas["analyst"], decision=decided)
    official = _signed_in(client, world, "official")
    official.get(reverse("reporting:document-list"))
    with django_assert_max_num_queries(12):
        response = official.get(reverse("reporting:document-list"))
    assert response.context["paginator"].count == 6


def test_a_notification_out_of_level_4_is_approved_like_one_into_it():
    from escalation.models import EscalationDecision
    from reporting.models import Document

    down = Document(kind=Document.Kind.ESCALATION_NOTIFICATION, level=3)
    down.decision = EscalationDecision(pk=1, from_level=4, to_level=3)
    assert documents._level_for_approval(down) == 4
    assert documents._level_for_approval(Document(kind=Document.Kind.ESCALATION_NOTIFICATION, level=2)) == 2
