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


def test_the_signed_off_synthesis_prints_as_its_own_kind_of_document(world, frameworks):
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
    signed = services.synthesis_sign_off(
        actor=analyst, synthesis=made, expected_version=made.version, today=date(2026, 11, 3)
    )
    document = signed.document
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
