"""Composed documents (issue 6): the performance pack PDF and the public accountability summary,
drafted, approved and issued like any document; the drafting pages and who may use them. The
agenda pack has its own file (test_agenda_pack.py)."""

from __future__ import annotations

import io
import re
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.http import Http404
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from escalation import services as escalation_services
from organisations.choices import Role
from oversight.errors import OversightError, PermissionRefused, RuleRefused
from reporting import compositions, documents, reference
from reporting.choices import PackStatus
from reporting.models import Document, Measure, Pack, PackRisk, PackValue, PillarNarrative, Trajectory
from tests.factories import MembershipFactory, UserFactory

LONDON = ZoneInfo("Europe/London")
YEAR = 2026
# ED 4-hour performance, January 2025 to March 2026 (released), then April 2026 (not released).
ED4H_RELEASED = [62.0, 63.5, 61.0, 64.0, 62.5, 63.0, 61.5, 62.0, 64.5, 63.0, 62.5, 63.5, 64.0, 62.0, 71.3]
ED4H_UNRELEASED = 55.5


def months(first: date, count: int) -> list[date]:
    found, year, month = [], first.year, first.month
    for _ in range(count):
        found.append(date(year, month, 1))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return found


def _pack(organisation, period, values: dict[str, float], *, status=PackStatus.RELEASED) -> Pack:
    """A pack with its values, made directly (the services that fill, submit, validate and
    release packs have their own tests); released packs carry their release time."""
    moment = timezone.make_aware(datetime(period.year, period.month, 20, 12, 0))
    pack = Pack.objects.create(
        organisation=organisation,
        period=period,
        status=status,
        validated_at=moment if status in (PackStatus.VALIDATED, PackStatus.RELEASED) else None,
        released_at=moment if status == PackStatus.RELEASED else None,
        submitted_at=moment if status != PackStatus.DRAFT else None,
    )
    measures = {m.code: m for m in Measure.objects.filter(code__in=values)}
    PackValue.objects.bulk_create(
        PackValue(pack=pack, measure=measures[code], value=Decimal(str(value))) for code, value in values.items()
    )
    return pack


@pytest.fixture
def catalogue(db):
    reference.seed()


@pytest.fixture
def history(world, catalogue):
    """Organisation A's released packs from January 2025 to March 2026 (ED 4-hour performance,
    never events, appraisals, invoices paid on time), an April 2026 pack still with NHS P&I,
    and organisation B's released March 2026 pack."""
    packs = []
    for period, ed4h in zip(months(date(2025, 1, 1), len(ED4H_RELEASED)), ED4H_RELEASED, strict=True):
        packs.append(
            _pack(
                world.org_a,
                period,
                {"UEC-ED4H": ed4h, "Q-NEVER": period.month % 2, "W-PADR": 70 + period.month, "F-PSPP": 93.5},
            )
        )
    unreleased = _pack(
        world.org_a,
        date(2026, 4, 1),
        {"UEC-ED4H": ED4H_UNRELEASED, "Q-NEVER": 3, "W-PADR": 81, "F-PSPP": 96.25},
        status=PackStatus.VALIDATED,
    )
    _pack(world.org_b, date(2026, 3, 1), {"UEC-ED4H": 88.8})
    return {"released": packs, "latest_released": packs[-1], "unreleased": unreleased}


@pytest.fixture
def pack_content(world, history):
    """A narrative, a risk and a trajectory for the unreleased April pack."""
    pack = history["unreleased"]
    PillarNarrative.objects.create(pack=pack, pillar="delivery_performance", text="Handover cohorting began in April.")
    PackRisk.objects.create(
        pack=pack,
        pillar="finance",
        description="Agency spend above plan",
        mitigation="Vacancy control panel",
        likelihood=4,
        consequence=4,
    )
    Trajectory.objects.create(
        organisation=world.org_a,
        measure=Measure.objects.get(code="UEC-ED4H"),
        period=pack.period,
        value=Decimal("60"),
    )
    return pack


def _issue(world, document, approver):
    approved = documents.document_approve(actor=approver, document=document, expected_version=document.version)
    with TestCase.captureOnCommitCallbacks(execute=True):
        documents.document_issue(actor=world.personas["official"], document=approved, expected_version=approved.version)
    return Document.objects.get(pk=document.pk)


def _reader(document) -> PdfReader:
    with document.file.open("rb") as handle:
        return PdfReader(io.BytesIO(handle.read()))


def _text(document) -> str:
    return "\n".join(page.extract_text() for page in _reader(document).pages)


def _flat(text: str) -> str:
    """Extracted text with its line breaks folded, for phrases a table cell wraps."""
    return re.sub(r"\s+", " ", text)


# --- The performance pack PDF ------------------------------------------------------------------


def test_a_pack_pdf_draft_links_the_pack(world, pack_content):
    draft = compositions.performance_pack_draft(actor=world.personas["analyst"], pack=pack_content)

    assert draft.kind == "performance_pack" and draft.pack == pack_content
    assert draft.organisation == world.org_a and draft.month == date(2026, 4, 1) and draft.year == 2026
    assert draft.title == "Performance pack: Organisation A University Health Board, April 2026"
    assert draft.title_cy


def test_the_issued_pack_pdf_holds_the_pack_its_charts_narrative_and_risks(world, pack_content):
    draft = compositions.performance_pack_draft(actor=world.personas["analyst"], pack=pack_content)
    issued = _issue(world, draft, world.personas["official"])
    reader = _reader(issued)
    text = _text(issued)
    flat = _flat(text)

    assert len(reader.pages) == issued.page_count
    assert "Organisation A University Health Board" in text
    assert "April 2026" in text
    assert "Validated" in text and "Not yet released" in flat  # its status, and a warning
    for pillar in ["Quality", "Workforce", "Finance", "Delivery/Performance", "Leadership"]:
        assert re.search(rf"^{re.escape(pillar)}$", text, re.M), pillar
    for code in ["UEC-ED4H", "Q-NEVER", "W-PADR", "F-PSPP"]:
        assert code in text
    assert "Percentage of patients who spend less than 4 hours" in flat
    assert "55.5%" in text  # the pack's own value
    assert "60%" in text  # its trajectory
    # The SPC icons as the page shows them: a letter and words.
    # ED 4-hour: April's provisional 55.5% falls below the process limits.
    assert "Target: Missed Trajectory: Missed L Special cause: concerning, low values F Consistently failing" in flat
    # The charts: SVG text (the legend, the axis) is text in the PDF.
    assert "Process limits" in text and "Provisional: not yet released" in text
    assert "Handover cohorting began in April." in flat
    assert "Agency spend above plan" in flat and "Vacancy control panel" in flat
    assert re.search(rf"Page {len(reader.pages)} of {len(reader.pages)}", text)


def test_a_released_pack_pdf_has_no_provisional_point(world, history):
    draft = compositions.performance_pack_draft(actor=world.personas["analyst"], pack=history["latest_released"])
    issued = _issue(world, draft, world.personas["official"])
    text = _text(issued)

    assert "March 2026" in text and "Released" in text
    assert "Provisional" not in text and "Not yet released" not in _flat(text)
    assert "71.3%" in text


def test_a_welsh_pack_pdf_has_welsh_headings(world, history):
    draft = compositions.performance_pack_draft(
        actor=world.personas["analyst"], pack=history["latest_released"], language="cy"
    )
    text = _text(_issue(world, draft, world.personas["official"]))

    assert "Pecyn perfformiad" in text
    for pillar in ["Ansawdd", "Gweithlu", "Cyllid", "Cyflawni/Perfformiad"]:
        assert pillar in text
    assert "Tudalen 1 o" in text


def test_an_nhs_pi_analyst_approves_a_pack_pdf_but_a_decision_maker_does_not(world, history):
    draft = compositions.performance_pack_draft(actor=world.personas["official"], pack=history["latest_released"])

    with pytest.raises(RuleRefused) as refused:
        documents.document_approve(actor=world.personas["decision_maker"], document=draft, expected_version=1)
    assert refused.value.code == "document_approver"
    approved = documents.document_approve(actor=world.personas["analyst"], document=draft, expected_version=1)
    assert approved.status == "approved"


def test_another_organisations_unreleased_pack_is_not_drafted(world, history):
    with pytest.raises(Http404):
        compositions.performance_pack_draft(actor=world.personas["submitter_b"], pack=history["unreleased"])
    with pytest.raises(PermissionRefused):
        compositions.performance_pack_draft(actor=world.personas["submitter_b"], pack=history["latest_released"])
    with pytest.raises(PermissionRefused):
        compositions.performance_pack_draft(actor=world.personas["submitter_a"], pack=history["unreleased"])


# --- The public accountability summary ---------------------------------------------------------


@pytest.fixture
def level_2(world, frameworks):
    """Organisation A escalated to level 2 (area of concern) for the whole organisation."""
    analyst, decision_maker = world.personas["analyst"], world.personas["decision_maker"]
    decision = escalation_services.decision_draft(
        actor=analyst,
        organisation=world.org_a,
        scope=escalation_services.Scope("organisation"),
        to_level=2,
        rationale="Internal rationale: twelve-hour waits, not for publication",
        planned_on=date(2026, 5, 4),
    )
    return escalation_services.decision_decide(
        actor=decision_maker, decision=decision, expected_version=decision.version, decided_on=date(2026, 5, 4)
    )


@pytest.fixture
def named(world):
    """The officials have names the summary must not show."""
    for persona, (first, last) in {
        "official": ("Olwen", "Officialdom"),
        "decision_maker": ("Dafydd", "Deciderson"),
        "analyst": ("Anwen", "Analysington"),
    }.items():
        user = world.personas[persona]
        user.first_name, user.last_name = first, last
        user.save()
    return ["Olwen", "Officialdom", "Dafydd", "Deciderson", "Anwen", "Analysington"]


def test_a_summary_draft_covers_an_organisation_and_a_year(world, catalogue):
    draft = compositions.public_summary_draft(actor=world.personas["official"], organisation=world.org_a, year=YEAR)

    assert draft.kind == "public_summary" and draft.year == YEAR and draft.organisation == world.org_a
    assert draft.title == "Public accountability summary: Organisation A University Health Board, 2026"


def test_the_summary_is_public_information_only(world, history, level_2, named, monkeypatch):
    monkeypatch.setattr(compositions, "SUMMARY_SECTIONS", [])
    draft = compositions.public_summary_draft(actor=world.personas["analyst"], organisation=world.org_a, year=YEAR)
    issued = _issue(world, draft, world.personas["official"])
    reader = _reader(issued)
    text = _text(issued)
    flat = _flat(text)

    assert len(reader.pages) == issued.page_count
    assert "Organisation A University Health Board" in text and "2026" in text
    assert "Level 2: Area of concern" in flat and "Whole organisation" in text
    assert "71.3%" in text  # March 2026, released
    assert "55.5%" not in text  # April 2026, validated but not released
    assert "88.8%" not in text  # organisation B's
    assert "Delivery/Performance" in text
    assert "Percentage of patients who spend less than 4 hours" in flat
    assert "71.3% 95% (Missed) H Special cause: improving, high values F Consistently failing the target" in flat
    assert "No priorities are recorded for this organisation and year." in flat
    for name in named:
        assert name not in text, name
    assert "Internal rationale" not in text


def test_a_year_with_nothing_released_says_so(world, history, monkeypatch):
    monkeypatch.setattr(compositions, "SUMMARY_SECTIONS", [])
    draft = compositions.public_summary_draft(actor=world.personas["official"], organisation=world.org_b, year=2025)
    text = _flat(_text(_issue(world, draft, world.personas["decision_maker"])))

    assert "No figures for 2025 have been released yet." in text
    assert "Level 1: Routine arrangements" in text


def test_sections_other_apps_register_are_rendered_as_a_heading_and_a_table(world, history, monkeypatch):
    calls = []

    def priorities(organisation, year, language):
        calls.append((organisation.code, year, language))
        return {
            "heading": "Progress against the Ministerial priorities",
            "intro": "Planning Framework 2025-28.",
            "columns": ["Priority", "Progress"],
            "rows": [["Timely access to care", "Improving"], {"label": "Women's health", "value": "On track"}],
        }

    monkeypatch.setattr(compositions, "SUMMARY_SECTIONS", [priorities, lambda organisation, year, language: None])
    draft = compositions.public_summary_draft(actor=world.personas["official"], organisation=world.org_a, year=YEAR)
    text = _flat(_text(_issue(world, draft, world.personas["decision_maker"])))

    assert calls == [("ORGA", YEAR, "en")]
    assert "Progress against the Ministerial priorities" in text and "Planning Framework 2025-28." in text
    assert "Timely access to care Improving" in text and "Women's health On track" in text
    assert "No priorities are recorded" not in text


def test_a_welsh_summary_has_welsh_headings(world, history, level_2, monkeypatch):
    monkeypatch.setattr(compositions, "SUMMARY_SECTIONS", [])
    draft = compositions.public_summary_draft(
        actor=world.personas["official"], organisation=world.org_a, year=YEAR, language="cy"
    )
    text = _text(_issue(world, draft, world.personas["decision_maker"]))

    assert "Crynodeb atebolrwydd cyhoeddus" in text
    assert "Lefelau uwchgyfeirio" in text
    assert "Lefel 2" in text


def test_a_summary_is_for_an_organisation_that_holds_a_level(world, catalogue):
    with pytest.raises(OversightError) as refused:
        compositions.public_summary_draft(actor=world.personas["official"], organisation=world.hiw, year=YEAR)
    assert refused.value.code == "summary_organisation"
    with pytest.raises(OversightError) as refused:
        compositions.public_summary_draft(actor=world.personas["official"], organisation=world.org_a, year=1999)
    assert refused.value.code == "summary_year"


def test_an_analyst_does_not_approve_a_public_summary(world, catalogue):
    draft = compositions.public_summary_draft(actor=world.personas["official"], organisation=world.org_a, year=YEAR)

    with pytest.raises(PermissionRefused):
        documents.document_approve(actor=world.personas["analyst"], document=draft, expected_version=1)
    approved = documents.document_approve(
        actor=world.personas["decision_maker"], document=draft, expected_version=draft.version
    )
    assert approved.status == "approved"


# --- The drafting pages ------------------------------------------------------------------------


def test_the_pack_page_links_to_drafting_its_pdf_for_those_who_draft(world, history, client):
    client.force_login(world.personas["analyst"])
    page = client.get(reverse("reporting:pack-detail", args=[history["unreleased"].pk]))
    url = reverse("reporting:pack-pdf-draft", args=[history["unreleased"].pk])

    assert url in page.content.decode()
    client.force_login(world.personas["submitter_a"])
    assert url not in client.get(reverse("reporting:pack-detail", args=[history["unreleased"].pk])).content.decode()


def test_drafting_a_pack_pdf_from_its_page_goes_to_the_document(world, history, client):
    client.force_login(world.personas["analyst"])
    url = reverse("reporting:pack-pdf-draft", args=[history["unreleased"].pk])

    assert client.get(url).status_code == 200
    response = client.post(url, {"language": "bilingual"})
    document = Document.objects.get(kind="performance_pack")
    assert response.status_code == 302 and response["Location"] == document.get_absolute_url()
    assert document.language == "bilingual" and document.pack == history["unreleased"]


def test_a_submitter_of_b_gets_404_for_as_unreleased_pack_pdf(world, history, client):
    pack = history["unreleased"]
    url = reverse("reporting:pack-pdf-draft", args=[pack.pk])
    draft = compositions.performance_pack_draft(actor=world.personas["analyst"], pack=pack)
    issued = _issue(world, draft, world.personas["official"])
    client.force_login(world.personas["submitter_b"])

    assert client.get(url).status_code == 404
    assert client.post(url, {"language": "en"}).status_code == 404
    assert client.get(reverse("reporting:document-detail", args=[issued.pk])).status_code == 404
    assert client.get(reverse("reporting:document-download", args=[issued.pk])).status_code == 404
    client.force_login(world.personas["submitter_a"])
    assert client.get(reverse("reporting:document-download", args=[issued.pk])).status_code == 200
    assert Document.objects.filter(kind="performance_pack").count() == 1


def test_the_register_links_to_the_public_summary_form(world, client):
    client.force_login(world.personas["official"])
    page = client.get(reverse("reporting:document-list")).content.decode()

    assert reverse("reporting:public-summary-draft") in page
    client.force_login(world.personas["submitter_a"])
    assert (
        reverse("reporting:public-summary-draft") not in client.get(reverse("reporting:document-list")).content.decode()
    )


def test_drafting_a_public_summary_from_the_form(world, catalogue, client):
    client.force_login(world.personas["official"])
    url = reverse("reporting:public-summary-draft")

    assert client.get(url).status_code == 200
    refused = client.post(url, {"organisation": world.org_a.pk, "language": "en"})
    assert refused.status_code == 200 and "Choose the year the summary covers." in refused.content.decode()
    response = client.post(url, {"organisation": world.org_a.pk, "year": YEAR, "language": "cy"})
    document = Document.objects.get(kind="public_summary")
    assert response["Location"] == document.get_absolute_url()
    assert (document.organisation, document.year, document.language) == (world.org_a, YEAR, "cy")


def test_the_meeting_page_links_to_the_agenda_pack_for_wg(world, frameworks, client):
    from meetings import services as meeting_services
    from meetings.models import MeetingType

    meeting = meeting_services.meeting_create(
        actor=world.personas["official"],
        meeting_type=MeetingType.objects.get(code="ceo_review"),
        starts_at=datetime(2030, 3, 12, 10, tzinfo=LONDON),
        organisation=world.org_a,
    )
    url = reverse("reporting:agenda-pack-draft", args=[meeting.pk])
    client.force_login(world.personas["official"])

    assert url in client.get(meeting.get_absolute_url()).content.decode()
    response = client.post(url, {"language": "en"})
    assert response["Location"] == Document.objects.get(kind="agenda_pack").get_absolute_url()
    client.force_login(world.personas["submitter_a"])
    assert url not in client.get(meeting.get_absolute_url()).content.decode()
    assert client.get(url).status_code == 403
    client.force_login(world.personas["submitter_b"])
    assert client.get(url).status_code == 404


def test_a_secretariat_member_drafts_an_agenda_pack_from_the_page(world, frameworks, client):
    from meetings import services as meeting_services
    from meetings.models import MeetingType

    secretary = UserFactory(username="secretary")
    MembershipFactory(user=secretary, organisation=world.wg, role=Role.WG_SECRETARIAT)
    meeting = meeting_services.meeting_create(
        actor=world.personas["official"],
        meeting_type=MeetingType.objects.get(code="ceo_review"),
        starts_at=datetime(2030, 3, 12, 10, tzinfo=LONDON),
        organisation=world.org_a,
    )
    client.force_login(secretary)
    response = client.post(reverse("reporting:agenda-pack-draft", args=[meeting.pk]), {"language": "bilingual"})

    document = Document.objects.get(kind="agenda_pack")
    assert response.status_code == 302 and document.drafted_by == secretary and document.language == "bilingual"


def test_a_draft_is_previewed_as_its_pdf_marked_as_a_draft_and_not_stored(world, history, client):
    draft = compositions.performance_pack_draft(actor=world.personas["analyst"], pack=history["latest_released"])
    url = reverse("reporting:document-preview", args=[draft.pk])
    client.force_login(world.personas["official"])

    assert url in client.get(draft.get_absolute_url()).content.decode()
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Draft: not issued" in text and "Organisation A University Health Board" in text
    draft.refresh_from_db()
    assert not draft.file and draft.register_number is None and draft.status == "draft"
    client.force_login(world.personas["submitter_a"])
    assert client.get(url).status_code == 404


def test_an_issued_document_is_not_previewed_but_downloaded(world, history, client):
    draft = compositions.performance_pack_draft(actor=world.personas["analyst"], pack=history["latest_released"])
    issued = _issue(world, draft, world.personas["official"])
    client.force_login(world.personas["official"])

    response = client.get(reverse("reporting:document-preview", args=[issued.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("reporting:document-download", args=[issued.pk])


def test_the_summary_renders_the_sections_the_installed_apps_register(world, history, level_2):
    """Whatever the apps above reporting have registered (plans: progress against the Ministerial
    priorities), the summary renders; each section is a heading the PDF shows."""
    draft = compositions.public_summary_draft(actor=world.personas["official"], organisation=world.org_a, year=YEAR)
    text = _flat(_text(_issue(world, draft, world.personas["decision_maker"])))

    assert "Public accountability summary: Organisation A University Health Board, 2026" in text
    assert "Progress against the Ministerial priorities" in text
    assert "55.5%" not in text
