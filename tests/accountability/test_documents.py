"""Accountable Officer letters and the synthesis PDF: drafted as ``reporting.Document`` rows of
their kinds, approved and issued through the existing lifecycle, and the issued PDF's text read
back with pypdf."""

import io
from datetime import date

import pytest
from django.test import TestCase
from django.utils import timezone
from pypdf import PdfReader

from accountability import letters, services, synthesis
from accountability.models import SystemSynthesis
from oversight.errors import OversightError, PermissionRefused
from reporting import demo, documents
from reporting import reference as reporting_reference
from reporting.models import Document
from tests.factories import OfficeholderFactory


def _issue(world, document, approver="decision_maker"):
    approved = documents.document_approve(
        actor=world.personas[approver], document=document, expected_version=document.version
    )
    with TestCase.captureOnCommitCallbacks(execute=True):  # the task is queued once the transaction commits
        documents.document_issue(actor=world.personas["official"], document=approved, expected_version=approved.version)
    return Document.objects.get(pk=document.pk)


def _text(document) -> str:
    data = document.file.open("rb").read()
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


@pytest.fixture
def released(world, frameworks):
    """Fifteen months of released demo packs for organisation A, ending last month."""
    reporting_reference.seed()
    demo.generate(today=timezone.localdate(), organisations=[world.org_a], months=15)
    OfficeholderFactory(
        organisation=world.org_a, role="chief_executive", name="Rhiannon Ellis", title="Chief Executive"
    )


def test_an_accountable_officer_letter_is_drafted_issued_and_printed(world, released):
    today = timezone.localdate()
    year = today.year
    draft = letters.ao_letter_draft(actor=world.personas["analyst"], organisation=world.org_a, year=year, today=today)
    assert (draft.kind, draft.year, draft.status) == ("accountable_officer_letter", year, "draft")
    assert (draft.addressee_name, draft.addressee_role) == ("Rhiannon Ellis", "Chief Executive")
    assert "duty to break even" in draft.body and "latest released finance figures" in draft.body
    assert "Performance:" in draft.body
    assert draft.body_cy  # the Welsh text is drafted too (in English until the lead's translations land)

    issued = _issue(world, draft)
    assert issued.status == "issued" and issued.register_number
    text = _text(issued)
    label = f"{year}-{(year + 1) % 100:02d}"
    assert "Rhiannon Ellis" in text
    assert world.org_a.name in " ".join(text.split())
    assert label in text
    assert "Accountable Officer" in text


def test_one_letter_per_organisation_and_year(world, frameworks):
    today = date(2026, 11, 15)
    letters.ao_letter_draft(actor=world.personas["official"], organisation=world.org_a, year=2026, today=today)
    with pytest.raises(OversightError) as refused:
        letters.ao_letter_draft(actor=world.personas["official"], organisation=world.org_a, year=2026, today=today)
    assert refused.value.code == "letter_exists"
    other = letters.ao_letter_draft(actor=world.personas["official"], organisation=world.org_a, year=2027, today=today)
    assert other.year == 2027
    with pytest.raises(OversightError) as refused:
        letters.ao_letter_draft(actor=world.personas["official"], organisation=world.org_a, year=2020, today=today)
    assert refused.value.code == "letter_year"


def test_the_one_letter_check_runs_under_a_lock_on_the_organisation(world, frameworks, monkeypatch):
    """Two drafting at once: the organisation's row is locked (in the letter's transaction)
    before the check for an existing letter, so the second waits and is then refused."""
    from django.db import connection
    from django.db.models import QuerySet

    from organisations.models import Organisation

    seen = []
    select_for_update = QuerySet.select_for_update

    def spy(queryset, *args, **kwargs):
        seen.append((queryset.model, len(connection.atomic_blocks)))
        return select_for_update(queryset, *args, **kwargs)

    monkeypatch.setattr(QuerySet, "select_for_update", spy)
    outer = len(connection.atomic_blocks)  # the test's own transaction
    letters.ao_letter_draft(
        actor=world.personas["official"], organisation=world.org_a, year=2026, today=date(2026, 11, 15)
    )
    assert (Organisation, outer + 1) in seen


@pytest.mark.django_db(transaction=True)
def test_two_drafting_the_same_letter_at_once_make_one(world, frameworks):
    """Two officials on two database connections, started together: one letter, one refusal."""
    import threading

    from django.db import connections

    barrier = threading.Barrier(2)
    outcomes = []

    def draft(persona):
        try:
            barrier.wait(timeout=10)
            letters.ao_letter_draft(
                actor=world.personas[persona], organisation=world.org_a, year=2026, today=date(2026, 11, 15)
            )
            outcomes.append("drafted")
        except OversightError as error:
            outcomes.append(error.code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=draft, args=(persona,)) for persona in ("official", "analyst")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == ["drafted", "letter_exists"]
    assert Document.objects.filter(organisation=world.org_a, kind="accountable_officer_letter").count() == 1


def test_a_letter_without_released_figures_says_so(world, frameworks):
    draft = letters.ao_letter_draft(
        actor=world.personas["official"], organisation=world.org_b, year=2026, today=date(2026, 11, 15)
    )
    assert "no revenue position has been released yet" in draft.body
    assert draft.addressee_name == "The Chief Executive"


def test_only_document_drafters_draft_letters(world, frameworks):
    with pytest.raises(PermissionRefused):
        letters.ao_letter_draft(
            actor=world.personas["submitter_a"], organisation=world.org_a, year=2026, today=date(2026, 11, 15)
        )


def _signed_off_synthesis(world):
    """November 2026's synthesis, organisation A's entry written, signed off by the analyst."""
    from escalation import services as escalation_services

    escalation_services.concern_raise(
        actor=world.personas["analyst"],
        organisation=world.org_a,
        title="Ambulance handovers delayed",
        description="Handovers over an hour have doubled.",
        on=date(2026, 11, 2),
    )
    made, _ = synthesis.synthesis_assemble(today=date(2026, 11, 2))
    entry = made.entries.get()
    analyst = world.personas["analyst"]
    services.entry_update(
        actor=analyst,
        entry=entry,
        expected_version=entry.version,
        risks="Handover delays harm patients waiting in the community.",
        mitigations="A handover improvement plan.",
        actions="Review at the CEO/Executive Review.",
    )
    return services.synthesis_sign_off(
        actor=analyst, synthesis=made, expected_version=made.version, today=date(2026, 11, 3)
    )


def test_the_signed_off_synthesis_prints_as_its_own_kind_of_document(world, frameworks):
    signed = _signed_off_synthesis(world)
    document = signed.document
    # The signed-off version in the synthesis's history names its PDF, with who and why.
    latest = signed.history.order_by("-history_id").first()
    assert (latest.document_id, latest.status, latest.history_user, latest.version) == (
        document.pk,
        "signed_off",
        world.personas["analyst"],
        signed.version,
    )
    assert latest.history_change_reason == "Signed off; its PDF drafted for approval"
    assert SystemSynthesis.objects.get(pk=signed.pk).version == signed.version
    assert (document.kind, document.month, document.organisation) == (
        "system_synthesis",
        date(2026, 11, 1),
        world.nhspi,
    )
    issued = _issue(world, document, approver="official")
    text = " ".join(_text(issued).split())
    assert "NHS P&I monthly system synthesis" in text and "November 2026" in text
    assert world.org_a.name in text
    assert "Ambulance handovers delayed" in text
    assert "Handover delays harm patients waiting in the community." in text
    assert issued.register_number in text


def test_the_synthesis_pdf_is_seen_only_by_those_who_see_the_synthesis(world, frameworks, client):
    """Filed under NHS P&I, the synthesis PDF is still the synthesis: an administrator (who sees
    every other document) gets a 404 for it, and the register does not list it for them."""
    from django.urls import reverse

    from oversight import access

    issued = _issue(world, _signed_off_synthesis(world).document, approver="official")
    letter = letters.ao_letter_draft(
        actor=world.personas["official"], organisation=world.org_a, year=2026, today=date(2026, 11, 15)
    )
    detail = reverse("reporting:document-detail", args=[issued.pk])
    download = reverse("reporting:document-download", args=[issued.pk])
    register = reverse("reporting:document-list")

    client.force_login(world.personas["admin"])
    assert client.get(detail).status_code == 404
    assert client.get(download).status_code == 404
    listed = client.get(register).content.decode()
    assert detail not in listed and reverse("reporting:document-detail", args=[letter.pk]) in listed
    assert client.get(register, {"kind": "system_synthesis"}).context["object_list"].count() == 0
    assert not access.can(world.personas["admin"], "reporting.document.view", issued)

    for persona in ("analyst", "official"):
        client.force_login(world.personas[persona])
        assert client.get(detail).status_code == 200, persona
        assert client.get(download).status_code == 200, persona
        assert detail in client.get(register).content.decode(), persona
    # The query form agrees: the analyst sees it; organisations' and partners' people never do.
    assert list(access.restrict_documents(Document.objects.filter(pk=issued.pk), world.personas["analyst"])) == [issued]
    for persona in ("submitter_a", "partner"):
        assert not access.restrict_documents(Document.objects.filter(pk=issued.pk), world.personas[persona]).exists()
