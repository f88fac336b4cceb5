"""Batches of documents (issue 6): a month's post-meeting letters drafted together, approved in
one action, issued as one Celery group with a progress bar, and never issued twice."""

from __future__ import annotations

import csv
import io
import re
import uuid
from datetime import date

import pytest
from celery.signals import task_prerun
from django.test import TestCase
from django.urls import reverse
from django.utils import translation

from oversight.errors import OversightError, PermissionRefused
from reporting import batches, documents
from reporting.models import Document, DocumentBatch
from tests.factories import OfficeholderFactory
from tests.reporting.test_letters import held_review

MONTH = date(2026, 11, 1)


@pytest.fixture(autouse=True)
def _in_english():
    with translation.override("en"):
        yield


@pytest.fixture
def held_meetings(world, frameworks):
    """Fifteen CEO/Executive Reviews held in November 2026 (eight of A's, seven of B's), and one
    held in October that a November batch must leave alone."""
    OfficeholderFactory(organisation=world.org_a, name="Dr Jane Jones", title="Chief Executive")
    OfficeholderFactory(organisation=world.org_b, name="Mr Owen Price", title="Chief Executive")
    meetings = []
    for number in range(15):
        organisation = world.org_a if number < 8 else world.org_b
        meetings.append(
            held_review(
                world,
                organisation,
                on=date(2026, 11, 2 + number),
                with_draft=number % 3 == 0,
                title=f"Review {number + 1}",
            )
        )
    held_review(world, world.org_a, on=date(2026, 10, 20), with_draft=False, title="October review")
    return meetings


def _batch(world, actor="official"):
    return batches.batch_create_post_meeting_letters(actor=world.personas[actor], month=date(2026, 11, 17))


def _issue(world, batch, actor="official"):
    with TestCase.captureOnCommitCallbacks(execute=True):
        result = batches.batch_issue(actor=world.personas[actor], batch=batch)
    return result


def _shown_versions(page: str) -> dict[str, str]:
    """The hidden ``version_<document id>`` inputs of the batch page's "approve all" form."""
    return dict(re.findall(r'<input type="hidden" name="(version_\d+)" value="(\d+)"', page))


def _fragment(client, batch) -> str:
    response = client.get(reverse("reporting:batch-detail", args=[batch.pk]), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    return response.content.decode()


# --- Drafting -------------------------------------------------------------------------------------


def test_a_batch_drafts_a_letter_for_each_meeting_held_in_the_month(world, held_meetings):
    batch = _batch(world)
    assert (batch.kind, batch.month, batch.created_by) == ("post_meeting_letter", MONTH, world.personas["official"])
    assert batch.title == "Post-meeting letters, November 2026"
    letters = list(batch.documents.select_related("meeting"))
    assert len(letters) == 15
    assert {letter.meeting for letter in letters} == set(held_meetings)
    assert {letter.status for letter in letters} == {"draft"}
    assert {letter.kind for letter in letters} == {"post_meeting_letter"}
    by_organisation = {letter.organisation.code: letter.addressee_name for letter in letters}
    assert by_organisation == {"ORGA": "Dr Jane Jones", "ORGB": "Mr Owen Price"}
    assert not Document.objects.filter(meeting__title="October review").exists()


def test_a_meeting_that_already_has_a_letter_is_not_drafted_again(world, held_meetings):
    own = documents.document_draft_from_meeting(actor=world.personas["analyst"], meeting=held_meetings[4])
    batch = _batch(world)
    assert batch.documents.count() == 14
    assert not batch.documents.filter(meeting=held_meetings[4]).exists()
    assert Document.objects.filter(meeting=held_meetings[4]).get() == own
    with pytest.raises(OversightError) as refused:
        _batch(world)  # every November meeting has its letter now
    assert refused.value.code == "batch_empty"
    assert DocumentBatch.objects.count() == 1


def test_only_those_who_draft_documents_start_a_batch(world, held_meetings):
    with pytest.raises(PermissionRefused):
        _batch(world, actor="submitter_a")
    with pytest.raises(PermissionRefused):
        _batch(world, actor="partner")
    assert not DocumentBatch.objects.exists() and not Document.objects.exists()


# --- Approving all, issuing once, the progress --------------------------------------------------


def test_fifteen_letters_are_approved_issued_once_and_keep_their_numbers(world, held_meetings, client):
    batch = _batch(world)
    client.force_login(world.personas["official"])
    assert "0 of 15 issued" in _fragment(client, batch)

    approval = batches.batch_approve_drafts(actor=world.personas["decision_maker"], batch=batch)
    assert len(approval.approved) == 15 and approval.refused == []
    assert batch.documents.filter(status="approved").count() == 15

    # Four are issued one by one first: the progress counts them.
    for letter in batch.documents.order_by("pk")[:4]:
        documents.document_issue_now(letter.pk, world.personas["official"].pk)
    partial = _fragment(client, batch)
    assert "4 of 15 issued" in partial
    assert 'hx-trigger="every 2s"' in partial and 'value="4"' in partial and 'max="15"' in partial

    result = _issue(world, batch)
    assert result.queued == 11
    batch.refresh_from_db()
    assert batch.issue_started_by == world.personas["official"] and batch.issue_started_at is not None
    assert uuid.UUID(batch.task_group_id)
    letters = list(batch.documents.all())
    assert {letter.status for letter in letters} == {"issued"}
    numbers = {letter.pk: (letter.register_number, letter.sha256, letter.file.name) for letter in letters}
    assert len({number for number, _sha, _file in numbers.values()}) == 15
    done = _fragment(client, batch)
    assert "15 of 15 issued" in done
    assert "hx-trigger" not in done and "hx-get" not in done

    # Again: nothing is queued, every letter keeps its one number and its file.
    version = batch.version
    again = _issue(world, batch)
    assert again.queued == 0
    batch.refresh_from_db()
    assert batch.version == version
    assert Document.objects.filter(status="issued").count() == 15
    assert {
        letter.pk: (letter.register_number, letter.sha256, letter.file.name) for letter in batch.documents.all()
    } == numbers
    assert "15 of 15 issued" in _fragment(client, batch)


def test_issuing_runs_one_group_of_tasks_queued_on_commit(world, held_meetings):
    batch = _batch(world)
    batches.batch_approve_drafts(actor=world.personas["decision_maker"], batch=batch)
    ran = []

    def record(sender=None, task_id=None, task=None, args=None, **kwargs):
        ran.append((sender.name, tuple(args)))

    task_prerun.connect(record)
    try:
        with TestCase.captureOnCommitCallbacks(execute=False) as queued:
            batches.batch_issue(actor=world.personas["official"], batch=batch)
        assert len(queued) == 1  # one dispatch: the group
        assert ran == [] and batch.documents.filter(status="issued").count() == 0
        queued[0]()
    finally:
        task_prerun.disconnect(record)
    assert sorted(ran) == sorted(
        ("reporting.tasks.issue_document", (pk, world.personas["official"].pk))
        for pk in batch.documents.values_list("pk", flat=True)
    )
    assert batch.documents.filter(status="issued").count() == 15


def test_the_progress_polls_while_documents_wait_to_be_issued(world, held_meetings, client):
    batch = _batch(world)
    batches.batch_approve_drafts(actor=world.personas["decision_maker"], batch=batch)
    with TestCase.captureOnCommitCallbacks(execute=False):
        batches.batch_issue(actor=world.personas["official"], batch=batch)  # the worker has not started yet
    client.force_login(world.personas["official"])
    waiting = _fragment(client, batch)
    assert "0 of 15 issued" in waiting and 'hx-trigger="every 2s"' in waiting
    assert f'hx-get="{reverse("reporting:batch-detail", args=[batch.pk])}"' in waiting


def test_approve_all_leaves_the_approvers_own_drafts(world, held_meetings):
    batch = _batch(world, actor="official")
    approval = batches.batch_approve_drafts(actor=world.personas["official"], batch=batch)
    assert approval.approved == [] and len(approval.refused) == 15
    assert "Someone other than its drafter" in approval.refused[0][1]
    assert batch.documents.filter(status="draft").count() == 15
    with pytest.raises(PermissionRefused):
        batches.batch_approve_drafts(actor=world.personas["analyst"], batch=batch)


def test_approve_all_approves_only_the_versions_the_approver_was_shown(world, held_meetings):
    batch = _batch(world)
    letters = list(batch.documents.order_by("pk"))
    shown = {letter.pk: letter.version for letter in letters[:-1]}  # the last was added since
    changed = documents.document_update(
        actor=world.personas["official"], document=letters[0], expected_version=1, body="New text, not yet read."
    )
    approval = batches.batch_approve_drafts(actor=world.personas["decision_maker"], batch=batch, versions=shown)
    assert len(approval.approved) == 13
    refused = {document.pk: reason for document, reason in approval.refused}
    assert set(refused) == {changed.pk, letters[-1].pk}
    assert all("changed since you loaded the page" in reason for reason in refused.values())
    assert set(batch.documents.filter(status="draft").values_list("pk", flat=True)) == set(refused)
    # Read again, at the version now shown, it is approved.
    again = batches.batch_approve_drafts(
        actor=world.personas["decision_maker"], batch=batch, versions={changed.pk: changed.version}
    )
    assert [document.pk for document in again.approved] == [changed.pk]


def test_the_approve_all_form_posts_the_versions_on_the_page(world, held_meetings, client):
    batch = _batch(world)
    client.force_login(world.personas["decision_maker"])
    url = reverse("reporting:batch-detail", args=[batch.pk])
    page = client.get(url).content.decode()
    shown = _shown_versions(page)
    letters = list(batch.documents.order_by("pk"))
    assert shown == {f"version_{letter.pk}": "1" for letter in letters}
    edited = documents.document_update(
        actor=world.personas["official"], document=letters[3], expected_version=1, body="Changed after loading."
    )
    response = client.post(reverse("reporting:batch-approve", args=[batch.pk]), shown, follow=True)
    assert response.status_code == 200
    notes = [str(message) for message in response.context["messages"]]
    assert "14 documents are approved for issue." in notes
    assert any(edited.display_title in note and "changed since you loaded the page" in note for note in notes)
    edited.refresh_from_db()
    assert edited.status == "draft" and edited.approved_by is None
    # The page now shows the new version; posting it approves the edited draft.
    assert _shown_versions(response.content.decode()) == {f"version_{edited.pk}": str(edited.version)}
    client.post(reverse("reporting:batch-approve", args=[batch.pk]), {f"version_{edited.pk}": edited.version})
    assert batch.documents.filter(status="approved").count() == 15
    # A post that shows no version approves nothing.
    other = batches.batch_create_post_meeting_letters(actor=world.personas["official"], month=date(2026, 10, 1))
    client.post(reverse("reporting:batch-approve", args=[other.pk]), {})
    assert other.documents.filter(status="draft").count() == other.documents.count() > 0


def test_only_approved_documents_are_issued_and_drafts_wait(world, held_meetings):
    batch = _batch(world)
    for letter in batch.documents.order_by("pk")[:5]:
        documents.document_approve(actor=world.personas["decision_maker"], document=letter, expected_version=1)
    assert _issue(world, batch).queued == 5
    assert batch.documents.filter(status="issued").count() == 5
    assert batch.documents.filter(status="draft").count() == 10
    assert batches.batch_progress(batch) == batches.BatchProgress(total=15, issued=5, approved=0, drafts=10)


def test_a_stale_issue_form_is_a_conflict(world, held_meetings):
    from oversight.errors import ConflictError

    batch = _batch(world)
    batches.batch_approve_drafts(actor=world.personas["decision_maker"], batch=batch)
    with pytest.raises(ConflictError):
        batches.batch_issue(actor=world.personas["official"], batch=batch, expected_version=batch.version + 3)
    assert batch.documents.filter(status="issued").count() == 0


# --- The pages ----------------------------------------------------------------------------------------


def test_the_pages_create_approve_and_issue_a_batch(world, held_meetings, client, django_capture_on_commit_callbacks):
    client.force_login(world.personas["official"])
    register = client.get(reverse("reporting:document-list")).content.decode()
    assert f'href="{reverse("reporting:batch-list")}"' in register
    assert client.get(reverse("reporting:batch-create")).status_code == 200
    response = client.post(reverse("reporting:batch-create"), {"month": "2026-11"})
    batch = DocumentBatch.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("reporting:batch-detail", args=[batch.pk])
    page = client.get(response["Location"]).content.decode()
    assert "0 of 15 issued" in page and "<progress" in page and 'aria-labelledby="batch-progress-label"' in page
    assert "Approve all drafts" not in page  # the official drafted them: someone else approves

    client.force_login(world.personas["decision_maker"])
    page = client.get(response["Location"]).content.decode()
    assert "Approve all drafts" in page
    client.post(reverse("reporting:batch-approve", args=[batch.pk]), _shown_versions(page))
    assert batch.documents.filter(status="approved").count() == 15
    page = client.get(response["Location"]).content.decode()
    assert "Issue the approved documents" in page
    with django_capture_on_commit_callbacks(execute=True):
        issued = client.post(reverse("reporting:batch-issue", args=[batch.pk]), {"version": batch.version})
    assert issued.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "15 of 15 issued" in page and "hx-trigger" not in page
    assert page.count("govuk-tag--green") == 15


def test_an_empty_month_is_refused_beside_the_field(world, held_meetings, client):
    client.force_login(world.personas["official"])
    page = client.post(reverse("reporting:batch-create"), {"month": "2026-06"})
    assert page.status_code == 200
    assert "No meeting held in June 2026 is waiting for its letter" in page.content.decode()
    assert not DocumentBatch.objects.exists()


def test_the_batch_list_filters_and_exports(world, held_meetings, client):
    batch = _batch(world)
    client.force_login(world.personas["analyst"])
    page = client.get(reverse("reporting:batch-list"), {"month": "2026-11"}).content.decode()
    assert batch.title in page and "0 of 15" in page
    assert batch.title not in client.get(reverse("reporting:batch-list"), {"month": "2026-10"}).content.decode()
    export = client.get(reverse("reporting:batch-list"), {"export": "csv"})
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))
    assert rows[0][:4] == ["Title", "Kind", "Month", "Documents"]
    assert rows[1][:4] == [batch.title, "Post-meeting letter", "2026-11", "15"]


def test_the_document_page_links_to_its_batch(world, held_meetings, client):
    batch = _batch(world)
    letter = batch.documents.first()
    client.force_login(world.personas["official"])
    page = client.get(letter.get_absolute_url()).content.decode()
    assert f'href="{reverse("reporting:batch-detail", args=[batch.pk])}"' in page


def test_organisations_see_no_batch(world, held_meetings, client):
    batch = _batch(world)
    client.force_login(world.personas["submitter_a"])
    assert client.get(reverse("reporting:batch-list")).status_code == 403
    assert client.get(reverse("reporting:batch-detail", args=[batch.pk])).status_code == 404
    assert client.get(reverse("reporting:batch-detail", args=[batch.pk]), HTTP_HX_REQUEST="true").status_code == 404
    register = client.get(reverse("reporting:document-list")).content.decode()
    assert reverse("reporting:batch-list") not in register


# --- Query caps ---------------------------------------------------------------------------------------


def _more_batches(world, count):
    for number in range(count):
        DocumentBatch.objects.create(
            kind="post_meeting_letter",
            title=f"Batch {number}",
            month=date(2025, 1 + number % 12, 1),
            created_by=world.personas["official"],
        )


@pytest.mark.parametrize("extra", [2, 20])
def test_the_batch_list_makes_a_fixed_number_of_queries(
    world, held_meetings, client, django_assert_max_num_queries, extra
):
    _batch(world)
    _more_batches(world, extra)
    client.force_login(world.personas["official"])
    with django_assert_max_num_queries(8):
        assert client.get(reverse("reporting:batch-list")).status_code == 200
    with django_assert_max_num_queries(8):
        assert client.get(reverse("reporting:batch-list"), {"export": "csv"}).status_code == 200


def test_the_batch_page_and_its_progress_make_a_fixed_number_of_queries(
    world, held_meetings, client, django_assert_max_num_queries
):
    batch = _batch(world)
    client.force_login(world.personas["decision_maker"])
    url = reverse("reporting:batch-detail", args=[batch.pk])
    with django_assert_max_num_queries(8):
        assert client.get(url).status_code == 200
    with django_assert_max_num_queries(6):
        assert client.get(url, HTTP_HX_REQUEST="true").status_code == 200
