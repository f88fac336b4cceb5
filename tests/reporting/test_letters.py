"""Letters (issue 6): the letter after a meeting [000 §15], the letter of concern at levels 1-2
[001 §7.2], Welsh titles, and the letter's language from the organisation's preference.

What the letters say is proved on the issued PDF itself: its text is extracted with pypdf."""

from __future__ import annotations

import io
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone, translation
from pypdf import PdfReader

from escalation import services as escalation_services
from meetings import services as meeting_services
from meetings.models import MeetingType
from organisations import services as organisation_services
from oversight.errors import RuleRefused
from reporting import documents, rules
from reporting.models import Document
from tests.factories import OfficeholderFactory

LONDON = ZoneInfo("Europe/London")
HELD_ON = date(2026, 11, 10)


def _text(document: Document) -> str:
    with document.file.open("rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    assert len(reader.pages) == document.page_count
    return "\n".join(page.extract_text() for page in reader.pages)


def _flat(text: str) -> str:
    """The text with its line breaks and runs of spaces as single spaces (a PDF wraps lines)."""
    return " ".join(text.split())


def _issue(world, document, approver="decision_maker"):
    approved = documents.document_approve(
        actor=world.personas[approver], document=document, expected_version=document.version
    )
    with TestCase.captureOnCommitCallbacks(execute=True):
        documents.document_issue(actor=world.personas["official"], document=approved, expected_version=approved.version)
    document = Document.objects.get(pk=document.pk)
    assert document.status == Document.Status.ISSUED
    return document


def held_review(world, organisation, *, on=HELD_ON, hour=10, with_draft=True, title=""):
    """A CEO/Executive Review of ``organisation`` held on ``on``: two agenda items (one with a
    decision), two actions with owners and due dates, minutes with key points, and (by default)
    the meeting's own draft letter."""
    official = world.personas["official"]
    review = MeetingType.objects.get(code="ceo_review")
    meeting = meeting_services.meeting_create(
        actor=official,
        meeting_type=review,
        starts_at=datetime(on.year, on.month, on.day, hour, 0, tzinfo=LONDON),
        organisation=organisation,
        title=title,
    )
    finance = meeting_services.agenda_item_add(
        actor=official, meeting=meeting, title="Financial recovery plan", title_cy="Cynllun adfer ariannol", order=1
    )
    meeting_services.agenda_item_add(actor=official, meeting=meeting, title="Emergency department waits", order=2)
    meeting_services.decision_record(
        actor=official, meeting=meeting, text="Recovery plan to come back in January", agenda_item=finance
    )
    meeting_services.action_create(
        actor=official,
        meeting=meeting,
        title="Send the revised recovery plan",
        organisation=organisation,
        due_on=date(2027, 1, 15),
        owner_name="Director of Finance",
    )
    meeting_services.action_create(
        actor=official,
        meeting=meeting,
        title="Share the ED improvement trajectory",
        organisation=organisation,
        due_on=date(2027, 2, 26),
        owner=world.personas["submitter_a"],
    )
    meeting = meeting_services.meeting_advance(
        actor=official, meeting=meeting, expected_version=meeting.version, to_status="held", on=on
    )
    if with_draft:
        meeting_services.minutes_draft(
            actor=official,
            meeting=meeting,
            key_points="- The board accepted the deficit forecast\n- Waits improved for three months",
            body="Minutes.",
            on=on,
        )
        meeting = meeting_services.letter_draft_generate(actor=official, meeting=meeting)
    return meeting


@pytest.fixture(autouse=True)
def _in_english():
    """Each test starts in English, whatever language an earlier test's request left active."""
    with translation.override("en"):
        yield


@pytest.fixture
def chief_executive(world):
    return OfficeholderFactory(organisation=world.org_a, name="Dr Jane Jones", title="Chief Executive")


@pytest.fixture
def meeting(world, frameworks, chief_executive):
    return held_review(world, world.org_a)


def _prefer(world, organisation, language):
    organisation.refresh_from_db()
    return organisation_services.organisation_update(
        actor=world.personas["admin"],
        organisation=organisation,
        expected_version=organisation.version,
        changes={"letter_language": language},
        reason="As the board asked",
    )


# --- The letter after a meeting ---------------------------------------------------------------------


def test_the_issued_post_meeting_letter_holds_the_addressee_points_and_actions(world, meeting):
    draft = documents.document_draft_from_meeting(actor=world.personas["official"], meeting=meeting)
    assert (draft.kind, draft.meeting, draft.organisation) == ("post_meeting_letter", meeting, world.org_a)
    assert draft.addressee_name == "Dr Jane Jones" and draft.addressee_role == "Chief Executive"

    issued = _issue(world, draft)
    text = _flat(_text(issued))
    assert "Dr Jane Jones" in text and "Chief Executive" in text
    assert world.org_a.name in text
    assert issued.register_number in text
    # The key discussion points: the agenda in order, with the outcome recorded.
    assert "Key discussion points" in text
    assert text.index("Financial recovery plan") < text.index("Emergency department waits")
    assert "Financial recovery plan: Recovery plan to come back in January (Agreed by consensus)" in text
    # The actions, with their owners and due dates.
    assert "Send the revised recovery plan. Owner: Director of Finance (Org A). Due: 15 January 2027." in text
    owner = world.personas["submitter_a"].get_full_name() or "submitter_a"
    assert f"Share the ED improvement trajectory. Owner: {owner} (Org A). Due: 26 February 2027." in text
    # The meeting's own draft, as written (its key points), without its envelope or its own list
    # of actions: the letter's addressee block, actions list and signature are the letter's own.
    assert "The board accepted the deficit forecast" in text
    assert "Thank you for the CEO/Executive Review on 10 November 2026" in text
    assert "Dear " not in text and "From: " not in text
    assert text.count("Yours sincerely") == 1
    assert text.count("Send the revised recovery plan") == 1
    assert issued.page_count >= 1


def test_the_meetings_draft_keeps_its_words_and_gives_up_its_envelope_and_its_actions():
    draft = "\n".join(
        [
            "From: Chief Executive, NHS Wales",
            "To: Dr Jane Jones, Chief Executive, Org A",
            "",
            "CEO/Executive Review, 10 November 2026",
            "",
            "Dear Dr Jane Jones,",
            "",
            "Thank you for the review.",
            "",
            "Key points",
            "",
            "- Deficit accepted",
            "- Waits improved",
            "",
            "Actions",
            "",
            "1. Send the plan. Owner: Director of Finance (Org A). Due: 15 January 2027.",
            "",
            "Please let us know if anything here does not match.",
            "",
            "Yours sincerely,",
            "",
            "Chief Executive, NHS Wales",
        ]
    )
    before, after = documents.meeting_draft_paragraphs(draft)
    assert before == ["Thank you for the review.", "Key points:\n• Deficit accepted\n• Waits improved"]
    assert after == ["Please let us know if anything here does not match."]
    assert documents.meeting_draft_paragraphs("") == ([], [])
    written = "We discussed the budget.\n\nWe will meet again in March."
    assert documents.meeting_draft_paragraphs(written) == (written.split("\n\n"), [])


def test_the_letters_lists_go_where_the_drafts_actions_were(world, meeting):
    draft = documents.document_draft_from_meeting(actor=world.personas["official"], meeting=meeting)
    body = draft.body
    order = [
        body.index("Thank you for the CEO/Executive Review"),
        body.index("Key points:"),
        body.index("Key discussion points:"),
        body.index("Actions:"),
        body.index("Please let us know if anything here does not match"),
    ]
    assert order == sorted(order)
    assert "Please tell us" not in body  # the draft's own closing, not a second one


def test_the_pdf_shows_the_actions_as_a_list(world, meeting):
    draft = documents.document_draft_from_meeting(actor=world.personas["official"], meeting=meeting)
    context = documents.letter_context(draft, issued=False)
    (part,) = context["parts"]
    lists = [block for block in part["blocks"] if block["items"]]
    actions = next(block for block in lists if block["lead"] == ["Actions:"])
    assert actions["items"][0].startswith("Send the revised recovery plan. Owner: Director of Finance")
    assert len(actions["items"]) == 2


def test_a_meeting_without_its_own_draft_gets_an_opening_from_the_translations(world, frameworks, chief_executive):
    meeting = held_review(world, world.org_a, with_draft=False)
    draft = documents.document_draft_from_meeting(actor=world.personas["official"], meeting=meeting)
    assert draft.body.startswith("Thank you for the CEO/Executive Review on 10 November 2026.")
    assert "Send the revised recovery plan" in draft.body


def test_a_welsh_post_meeting_letter_is_in_welsh(world, meeting):
    draft = documents.document_draft_from_meeting(actor=world.personas["official"], meeting=meeting, language="cy")
    issued = _issue(world, draft)
    text = _flat(_text(issued))
    assert issued.title_cy in text and issued.title not in text
    assert "Camau gweithredu" in text  # "Actions"
    assert "Yn gywir" in text and "Yours sincerely" not in text
    assert "Cynllun adfer ariannol" in text  # the agenda item's own Welsh title
    assert "15 Ionawr 2027" in text  # the due date, in Welsh
    assert "Send the revised recovery plan" in text  # the meeting's own words stay as written


def test_a_bilingual_post_meeting_letter_has_both_titles_welsh_first(world, meeting):
    draft = documents.document_draft_from_meeting(
        actor=world.personas["official"], meeting=meeting, language="bilingual"
    )
    assert draft.title == "CEO/Executive Review on 10 November 2026: key points and actions"
    assert draft.title_cy and draft.title_cy != draft.title and "Tachwedd" in draft.title_cy
    text = _flat(_text(_issue(world, draft)))
    assert draft.title_cy in text and draft.title in text
    assert text.index(draft.title_cy) < text.index(draft.title)
    assert "Yn gywir" in text and "Yours sincerely" in text


def test_a_meeting_has_one_letter(world, meeting):
    first = documents.document_draft_from_meeting(actor=world.personas["official"], meeting=meeting)
    with pytest.raises(RuleRefused) as refused:
        documents.document_draft_from_meeting(actor=world.personas["analyst"], meeting=meeting)
    assert refused.value.code == "letter_exists"
    assert "already has its letter" in refused.value.message
    issued = _issue(world, first)
    with pytest.raises(RuleRefused) as refused:
        documents.document_draft_from_meeting(actor=world.personas["official"], meeting=meeting)
    assert issued.register_number in refused.value.message
    # The way to change an issued letter is a re-issue, which is the meeting's letter from then on.
    correction = documents.document_reissue(actor=world.personas["official"], document=issued, reason="Wrong date")
    assert (correction.meeting, correction.title_cy) == (meeting, issued.title_cy)
    with pytest.raises(RuleRefused):
        documents.document_draft_from_meeting(actor=world.personas["official"], meeting=meeting)
    assert Document.objects.filter(meeting=meeting).count() == 2


def test_a_letter_follows_only_a_held_meeting_of_a_type_a_letter_follows(world, frameworks, chief_executive):
    official = world.personas["official"]
    at = datetime(2026, 11, 12, 10, tzinfo=LONDON)
    planned = meeting_services.meeting_create(
        actor=official, meeting_type=MeetingType.objects.get(code="ceo_review"), starts_at=at, organisation=world.org_a
    )
    with pytest.raises(RuleRefused) as refused:
        documents.document_draft_from_meeting(actor=official, meeting=planned)
    assert refused.value.code == "meeting_not_held"
    board = meeting_services.meeting_create(
        actor=official, meeting_type=MeetingType.objects.get(code="whole_board"), starts_at=at, organisation=world.org_a
    )
    board = meeting_services.meeting_advance(
        actor=official, meeting=board, expected_version=board.version, to_status="held", on=at.date()
    )
    with pytest.raises(RuleRefused) as refused:
        documents.document_draft_from_meeting(actor=official, meeting=board)
    assert refused.value.code == "no_letter_for_type"
    assert not Document.objects.exists()


def test_only_wg_and_nhspi_draft_a_meeting_letter_and_another_organisation_gets_a_404(world, meeting, client):
    from django.http import Http404

    from oversight.errors import PermissionRefused

    with pytest.raises(PermissionRefused):
        documents.document_draft_from_meeting(actor=world.personas["submitter_a"], meeting=meeting)
    with pytest.raises(Http404):
        documents.document_draft_from_meeting(actor=world.personas["submitter_b"], meeting=meeting)
    client.force_login(world.personas["submitter_b"])
    assert client.get(reverse("reporting:meeting-letter-draft", args=[meeting.pk])).status_code == 404


def test_the_meeting_page_links_to_drafting_the_letter_and_the_form_drafts_it(world, meeting, client):
    client.force_login(world.personas["official"])
    page = client.get(meeting.get_absolute_url()).content.decode()
    url = reverse("reporting:meeting-letter-draft", args=[meeting.pk])
    assert f'href="{url}"' in page
    form = client.get(url)
    assert form.status_code == 200 and "2 agenda items" in form.content.decode()
    response = client.post(url, {"language": "bilingual", "addressee_name": "", "addressee_role": ""})
    document = Document.objects.get(meeting=meeting)
    assert response.status_code == 302 and response["Location"] == document.get_absolute_url()
    assert document.language == "bilingual"
    again = client.post(url, {"language": "en"})
    assert again.status_code == 200 and "already has its letter" in again.content.decode()
    assert Document.objects.filter(meeting=meeting).count() == 1


def test_an_organisations_own_people_do_not_see_the_draft_link_on_the_meeting_page(world, meeting, client):
    client.force_login(world.personas["submitter_a"])
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert reverse("reporting:meeting-letter-draft", args=[meeting.pk]) not in page


# --- Letters of concern -----------------------------------------------------------------------------


@pytest.fixture
def case_at_2(world, frameworks, chief_executive):
    """Organisation A escalated to level 2 for its whole organisation (decided today), with a
    concern linked to its case."""
    today = timezone.localdate()
    decision = escalation_services.decision_draft(
        actor=world.personas["analyst"],
        organisation=world.org_a,
        scope=escalation_services.Scope("organisation"),
        to_level=2,
        rationale="Deficit well beyond plan",
        evidence="Month 7 finance return: forecast deficit of £48m against a plan of £20m",
        planned_on=today,
    )
    decision = escalation_services.decision_decide(
        actor=world.personas["decision_maker"], decision=decision, expected_version=decision.version, decided_on=today
    )
    case = decision.case
    concern = escalation_services.concern_raise(
        actor=world.personas["analyst"],
        organisation=world.org_a,
        title="Forecast deficit growing",
        description="The forecast deficit has grown for four months running.",
        on=today,
    )
    from escalation.models import Concern

    Concern.objects.filter(pk=concern.pk).update(case=case, status="linked")
    return case


def test_the_issued_letter_of_concern_says_the_level_the_concerns_and_what_is_expected(world, case_at_2):
    respond_by = timezone.localdate() + timedelta(days=21)
    draft = documents.document_draft_letter_of_concern(
        actor=world.personas["official"],
        case=case_at_2,
        expectations="A recovery plan agreed by the board.",
        respond_by=respond_by,
    )
    assert (draft.kind, draft.level, draft.case, draft.organisation) == ("letter_of_concern", 2, case_at_2, world.org_a)
    issued = _issue(world, draft)
    text = _flat(_text(issued))
    assert "Dr Jane Jones" in text and world.org_a.name in text
    assert "Level 2: Area of concern" in text
    assert "level 2, Area of concern" in text
    assert "Forecast deficit growing" in text and "grown for four months running" in text
    assert "forecast deficit of £48m" in text  # the evidence of the decision
    assert "What level 2 means" in text  # Annex 1
    assert "A recovery plan agreed by the board." in text
    assert documents._date(respond_by) in text
    assert "Next steps" in text


def test_a_welsh_letter_of_concern_has_the_welsh_level_name(world, case_at_2):
    draft = documents.document_draft_letter_of_concern(actor=world.personas["official"], case=case_at_2, language="cy")
    text = _flat(_text(_issue(world, draft)))
    assert "Maes sy'n peri pryder" in text  # level 2, "Area of concern"
    assert "Pryderon" in text  # "Concerns"
    assert "Area of concern" not in text


def test_a_letter_of_concern_is_refused_at_level_3(world, case_at_2):
    today = timezone.localdate()
    decision = escalation_services.decision_draft(
        actor=world.personas["analyst"],
        organisation=world.org_a,
        scope=escalation_services.Scope("organisation"),
        to_level=3,
        rationale="No recovery",
        planned_on=today,
    )
    escalation_services.decision_decide(
        actor=world.personas["decision_maker"], decision=decision, expected_version=decision.version, decided_on=today
    )
    with pytest.raises(RuleRefused) as refused:
        documents.document_draft_letter_of_concern(actor=world.personas["official"], case=case_at_2)
    assert refused.value.code == "letter_of_concern_level"
    assert "notification letter" in refused.value.message
    assert not Document.objects.filter(kind="letter_of_concern").exists()


def test_a_letter_of_concern_at_level_1_from_an_organisation_and_scope(world, frameworks, chief_executive):
    draft = documents.document_draft_letter_of_concern(
        actor=world.personas["official"], organisation=world.org_b, scope=escalation_services.Scope("organisation")
    )
    assert (draft.level, draft.case, draft.organisation) == (1, None, world.org_b)
    assert "level 1, Routine arrangements" in draft.body
    assert draft.title == f"Letter of concern: {world.org_b.name} (Whole organisation)"
    assert draft.title_cy == f"Llythyr pryder: {world.org_b.name_cy} (Y sefydliad cyfan)"
    due = rules.letter_of_concern_reply_due(timezone.localdate())
    assert documents._date(due) in draft.body


def test_the_case_page_links_to_a_letter_of_concern_at_level_2_only(world, case_at_2, client):
    url = reverse("reporting:concern-letter-draft", args=[case_at_2.pk])
    client.force_login(world.personas["official"])
    assert f'href="{url}"' in client.get(case_at_2.get_absolute_url()).content.decode()
    response = client.post(url, {"language": "en", "respond_by": "2099-01-31", "expectations": "A plan."})
    document = Document.objects.get(kind="letter_of_concern")
    assert response.status_code == 302 and response["Location"] == document.get_absolute_url()
    assert "31 January 2099" in document.body
    client.force_login(world.personas["submitter_a"])
    assert f'href="{url}"' not in client.get(case_at_2.get_absolute_url()).content.decode()


def test_the_case_page_has_no_letter_of_concern_link_at_level_3(world, frameworks, client):
    today = timezone.localdate()
    decision = escalation_services.decision_draft(
        actor=world.personas["analyst"],
        organisation=world.org_a,
        scope=escalation_services.Scope("organisation"),
        to_level=3,
        rationale="Serious",
        planned_on=today,
    )
    decision = escalation_services.decision_decide(
        actor=world.personas["decision_maker"], decision=decision, expected_version=decision.version, decided_on=today
    )
    client.force_login(world.personas["official"])
    url = reverse("reporting:concern-letter-draft", args=[decision.case.pk])
    assert url not in client.get(decision.case.get_absolute_url()).content.decode()
    page = client.post(url, {"language": "en", "respond_by": "2099-01-31"})
    assert page.status_code == 200 and "A letter of concern is for levels 1 and 2" in page.content.decode()
    assert not Document.objects.exists()


# --- Welsh titles -------------------------------------------------------------------------------------


def test_every_drafting_service_fills_the_welsh_title(world, meeting, case_at_2):
    decision = case_at_2.decisions.get()
    letters = [
        documents.document_draft_from_decision(actor=world.personas["analyst"], decision=decision),
        documents.document_draft_from_meeting(actor=world.personas["analyst"], meeting=meeting),
        documents.document_draft_letter_of_concern(actor=world.personas["analyst"], case=case_at_2),
    ]
    for letter in letters:
        assert letter.title and letter.title_cy, letter.kind
    assert "Tachwedd" in letters[1].title_cy


def test_the_register_and_the_document_page_show_the_title_in_the_active_language(world, meeting, client):
    draft = documents.document_draft_from_meeting(actor=world.personas["official"], meeting=meeting)
    client.force_login(world.personas["official"])
    english = client.get(reverse("reporting:document-list")).content.decode()
    assert draft.title in english and draft.title_cy not in english
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "cy"
    welsh = client.get(reverse("reporting:document-list")).content.decode()
    assert draft.title_cy in welsh and draft.title not in welsh
    detail = client.get(draft.get_absolute_url()).content.decode()
    assert f">{draft.title_cy}</h1>" in detail


def test_a_draft_welsh_title_can_be_edited(world, meeting):
    draft = documents.document_draft_from_meeting(actor=world.personas["official"], meeting=meeting)
    edited = documents.document_update(
        actor=world.personas["analyst"], document=draft, expected_version=draft.version, title_cy="Llythyr"
    )
    assert edited.title_cy == "Llythyr" and edited.display_title == draft.title


# --- The letter's language from the recipient's preference -----------------------------------------


def test_each_drafting_service_uses_the_organisations_letter_language(world, meeting, case_at_2):
    assert world.org_a.letter_language == "en"
    _prefer(world, world.org_a, "cy")
    decision = case_at_2.decisions.get()
    notification = documents.document_draft_from_decision(actor=world.personas["analyst"], decision=decision)
    after_meeting = documents.document_draft_from_meeting(actor=world.personas["analyst"], meeting=meeting)
    concern = documents.document_draft_letter_of_concern(actor=world.personas["analyst"], case=case_at_2)
    assert [notification.language, after_meeting.language, concern.language] == ["cy", "cy", "cy"]
    _prefer(world, world.org_a, "bilingual")
    decision = case_at_2.decisions.get()  # read again: the organisation's preference has changed
    again = documents.document_draft_from_decision(actor=world.personas["analyst"], decision=decision)
    assert again.language == "bilingual"
    chosen = documents.document_draft_from_decision(actor=world.personas["analyst"], decision=decision, language="en")
    assert chosen.language == "en"


def test_a_welsh_preference_gives_a_welsh_pdf(world, meeting):
    _prefer(world, world.org_a, "cy")
    issued = _issue(world, documents.document_draft_from_meeting(actor=world.personas["official"], meeting=meeting))
    text = _flat(_text(issued))
    assert "Yn gywir" in text and "Yours sincerely" not in text


def test_the_letter_language_is_edited_with_the_organisation_shown_on_its_page_and_kept_in_history(world, client):
    client.force_login(world.personas["admin"])
    organisation = world.org_a
    edit = client.get(reverse("organisations:edit", args=[organisation.pk])).content.decode()
    assert 'name="letter_language"' in edit
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
        "letter_language": "bilingual",
        "reason": "The board writes in both languages",
    }
    response = client.post(reverse("organisations:edit", args=[organisation.pk]), data)
    assert response.status_code == 302
    organisation.refresh_from_db()
    assert organisation.letter_language == "bilingual"
    latest = organisation.history.first()
    assert (latest.letter_language, latest.history_change_reason) == ("bilingual", "The board writes in both languages")
    assert organisation.history.all()[1].letter_language == "en"
    page = client.get(reverse("organisations:detail", args=[organisation.pk])).content.decode()
    assert "Language of its letters" in page and "Welsh and English" in page


def test_the_decision_letter_form_offers_the_organisations_language_first(world, case_at_2, client):
    _prefer(world, world.org_a, "cy")
    client.force_login(world.personas["official"])
    decision = case_at_2.decisions.get()
    page = client.get(reverse("reporting:document-draft", args=[decision.pk])).content.decode()
    assert 'type="radio" value="cy" checked' in page
    assert 'type="radio" value="en" checked' not in page


def test_a_meeting_letter_leaves_out_what_concerns_another_invited_organisation(world, frameworks):
    """Organisation A's review meeting with organisation B invited: items, decisions and actions
    about B are on B's side of the meeting, never in the letter A's people can download."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from meetings import services as meeting_services
    from meetings.models import MeetingType

    official = world.personas["official"]
    meeting = meeting_services.meeting_create(
        actor=official,
        meeting_type=MeetingType.objects.get(code="ceo_review"),
        starts_at=datetime(2026, 11, 10, 10, tzinfo=ZoneInfo("Europe/London")),
        organisation=world.org_a,
        invited=[world.org_b],
    )
    ours = meeting_services.agenda_item_add(actor=official, meeting=meeting, title="Emergency care at A")
    theirs = meeting_services.agenda_item_add(
        actor=official, meeting=meeting, title="PRIVATE-B recovery plan", organisation=world.org_b
    )
    meeting_services.decision_record(actor=official, meeting=meeting, text="A to report monthly", agenda_item=ours)
    meeting_services.decision_record(actor=official, meeting=meeting, text="PRIVATE-B decision", agenda_item=theirs)
    meeting_services.action_create(
        actor=official,
        meeting=meeting,
        title="A's recovery trajectory",
        organisation=world.org_a,
        due_on=date(2027, 1, 15),
        owner_name="A's Chief Operating Officer",
    )
    meeting_services.action_create(
        actor=official,
        meeting=meeting,
        title="PRIVATE-B action",
        organisation=world.org_b,
        due_on=date(2027, 1, 15),
        owner_name="B director",
    )
    meeting = meeting_services.meeting_advance(
        actor=official, meeting=meeting, expected_version=meeting.version, to_status="held", on=date(2026, 11, 10)
    )
    text = _flat(_text(_issue(world, documents.document_draft_from_meeting(actor=official, meeting=meeting))))

    assert "Emergency care at A" in text and "A to report monthly" in text and "A's recovery trajectory" in text
    assert "PRIVATE-B" not in text
