"""Register numbers under concurrency: two workers issuing side by side, in lockstep (both render
before either saves), take two consecutive numbers on the first attempt, each printed in its own
PDF; neither is refused by the unique constraint and numbered again. PostgreSQL only: SQLite
runs one writing transaction at a time (``transaction_mode`` IMMEDIATE), so there is no race."""

from __future__ import annotations

import io
import threading
from datetime import date

import pytest
from django.db import connection
from pypdf import PdfReader

from reporting import batches, documents, rules
from reporting.models import Document, RegisterCounter
from tests.factories import OfficeholderFactory, OrganisationFactory
from tests.reporting.test_letters import held_review

pytestmark = pytest.mark.django_db(transaction=True)


def _approved_letters(world, count: int) -> list[Document]:
    for number in range(1, count + 1):
        organisation = OrganisationFactory(code=f"RN{number:02d}", name=f"Register Test Health Board {number:02d}")
        OfficeholderFactory(organisation=organisation, name=f"Chief Executive {number:02d}", title="Chief Executive")
        held_review(world, organisation, on=date(2026, 11, 2 + number), with_draft=False, title=f"Review {number}")
    batch = batches.batch_create_post_meeting_letters(actor=world.personas["official"], month=date(2026, 11, 1))
    approval = batches.batch_approve_drafts(actor=world.personas["decision_maker"], batch=batch)
    assert len(approval.approved) == count, approval.refused
    return list(Document.objects.filter(status=Document.Status.APPROVED).order_by("pk"))


def test_two_workers_in_lockstep_take_two_numbers_at_the_first_attempt(world, frameworks, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writing transactions: two issues cannot overlap")
    letters = _approved_letters(world, 2)
    official = world.personas["official"]
    in_step = threading.Barrier(2)
    rendered_once: set[int] = set()
    attempts: list[int] = []
    render, issue_once = documents.render_document, documents._issue_once

    def render_in_step(document, *, issued):
        if threading.get_ident() not in rendered_once:  # each worker's first render: both at once
            rendered_once.add(threading.get_ident())
            in_step.wait(timeout=30)
        return render(document, issued=issued)

    def counted(document_id, actor):
        attempts.append(document_id)
        return issue_once(document_id, actor)

    monkeypatch.setattr(documents, "render_document", render_in_step)
    monkeypatch.setattr(documents, "_issue_once", counted)
    outcomes: dict[int, object] = {}

    def issue(document_id: int) -> None:
        try:
            outcomes[document_id] = documents.document_issue_now(document_id, official.pk)
        except BaseException as error:  # noqa: BLE001 - checked below
            outcomes[document_id] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=issue, args=(letter.pk,)) for letter in letters]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=90)
    assert not any(thread.is_alive() for thread in threads)

    assert all(isinstance(outcome, Document) for outcome in outcomes.values()), outcomes
    assert sorted(attempts) == sorted(letter.pk for letter in letters), "a letter was numbered again"
    issued = list(Document.objects.filter(pk__in=[letter.pk for letter in letters]))
    numbers = sorted(document.register_number for document in issued)
    year = issued[0].issued_on.year
    assert numbers == [rules.register_number(year=year, sequence=1), rules.register_number(year=year, sequence=2)]
    assert RegisterCounter.objects.get(year=year).last == 2
    for document in issued:
        with document.file.open("rb") as handle:
            text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(handle.read())).pages)
        assert document.register_number in text  # the PDF prints the number it was given
