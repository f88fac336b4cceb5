"""Two real writers at once, a hundred times over, for each kind of record people edit together:
an escalation decision, a performance pack, a de-escalation criterion and a meeting.

In each trial two threads, each on its own database connection, read the same record (as two
people loading the same page), wait for each other at a barrier, then call the real service at
the version they read, each changing something different. Exactly one must succeed and the
other get ``ConflictError``; the stored row must hold the winner's change in full, its version
must have gone up by exactly one and its history must have exactly one new row. Over the
hundred trials no success may be lost.

On PostgreSQL the service's ``SELECT ... FOR UPDATE`` makes the second writer wait for the
first to commit and then see the new version; on SQLite every transaction is ``BEGIN
IMMEDIATE``, so the writers are serialised and the second sees the new version the same way.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import pytest
from django.db import connection

from escalation import services as escalation
from escalation.models import DeescalationCriterion, EscalationDecision
from meetings import services as meeting_services
from meetings.models import Meeting, MeetingType
from oversight.errors import ConflictError
from reporting import services as reporting
from reporting.models import Pack, PillarNarrative

TRIALS = 100
DAY = date(2026, 6, 1)

pytestmark = pytest.mark.django_db(transaction=True)


@dataclass
class Tally:
    successes: int = 0
    conflicts: int = 0
    lost: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def race(read: Callable[[], object], writers: list[Callable[[object], object]]) -> list[object]:
    """Run each writer in its own thread, on its own connection: each reads the record first,
    then all start writing together. Returns each writer's result, or the exception it raised."""
    barrier = threading.Barrier(len(writers))
    outcomes: list[object] = [None] * len(writers)

    def run(index: int, write) -> None:
        try:
            record = read()  # as shown on this user's page
            barrier.wait(timeout=10)
            outcomes[index] = write(record)
        except BaseException as error:  # noqa: BLE001 - every outcome is checked by the caller
            outcomes[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, w)) for i, w in enumerate(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a writer never finished"
    return outcomes


def judge(
    tally: Tally,
    trial: int,
    outcomes: list[object],
    landed: list[Callable[[], bool]],
    *,
    version_before: int,
    version_after: int,
    history_before: int,
    history_after: int,
) -> None:
    """Count the trial: one success, one conflict, the success stored, version and history +1."""
    won = [i for i, outcome in enumerate(outcomes) if not isinstance(outcome, BaseException)]
    conflicts = [outcome for outcome in outcomes if isinstance(outcome, ConflictError)]
    others = [o for o in outcomes if isinstance(o, BaseException) and not isinstance(o, ConflictError)]
    tally.successes += len(won)
    tally.conflicts += len(conflicts)
    if others:
        tally.problems.append(f"trial {trial}: unexpected {others!r}")
    if len(won) != 1 or len(conflicts) != 1:
        tally.problems.append(f"trial {trial}: {len(won)} succeeded and {len(conflicts)} conflicted")
    for i, outcome in enumerate(outcomes):
        if i in won and not landed[i]():
            tally.lost.append(f"trial {trial}: writer {i}'s change is not in the stored row")
        if isinstance(outcome, ConflictError) and landed[i]():
            tally.problems.append(f"trial {trial}: writer {i} was refused, yet its change was stored")
    if version_after != version_before + 1:
        tally.problems.append(f"trial {trial}: version went from {version_before} to {version_after}")
    if history_after != history_before + 1:
        tally.problems.append(f"trial {trial}: {history_after - history_before} new history rows")


def assert_no_lost_updates(tally: Tally) -> None:
    assert tally.lost == [], tally.lost[:5]
    assert tally.problems == [], tally.problems[:5]
    assert tally.successes == TRIALS
    assert tally.conflicts == TRIALS


def test_two_people_moving_the_same_decision_on_at_once_never_lose_an_update(world, frameworks):
    """One recommends a draft while the other withdraws it, both from the same page."""
    analyst, official = world.personas["analyst"], world.personas["official"]
    tally = Tally()
    for trial in range(TRIALS):
        draft = escalation.decision_draft(
            actor=analyst,
            organisation=world.org_a,
            scope=escalation.Scope("organisation"),
            to_level=2,
            rationale=f"Trial {trial}",
            planned_on=DAY,
        )
        reason = f"Withdrawn in trial {trial}"

        def read(pk=draft.pk):
            return EscalationDecision.objects.get(pk=pk)

        def recommend(decision):
            return escalation.decision_recommend(
                actor=analyst, decision=decision, expected_version=decision.version, on=DAY
            )

        def withdraw(decision, reason=reason):
            return escalation.decision_withdraw(
                actor=official, decision=decision, expected_version=decision.version, reason=reason
            )

        outcomes = race(read, [recommend, withdraw])
        stored = EscalationDecision.objects.get(pk=draft.pk)
        judge(
            tally,
            trial,
            outcomes,
            [
                lambda s=stored: s.status == "recommended" and s.recommended_on == DAY and s.withdrawn_reason == "",
                lambda s=stored, r=reason: s.status == "withdrawn" and s.withdrawn_reason == r,
            ],
            version_before=draft.version,
            version_after=stored.version,
            history_before=1,
            history_after=stored.history.count(),
        )
    assert_no_lost_updates(tally)


def test_two_people_writing_a_packs_narratives_at_once_never_lose_an_update(world, frameworks):
    """Two submitters write the narrative of different pillars of the same pack."""
    submitter = world.personas["submitter_a"]
    pack = reporting.pack_create(actor=submitter, organisation=world.org_a, period=date(2026, 5, 1))
    tally = Tally()
    for trial in range(TRIALS):
        before = Pack.objects.get(pk=pack.pk)
        history_before = before.history.count()
        texts = {"finance": f"Finance, trial {trial}", "workforce": f"Workforce, trial {trial}"}

        def read():
            return Pack.objects.get(pk=pack.pk)

        def write(pillar, texts=texts):
            def _write(current):
                return reporting.pack_narrative_set(
                    actor=submitter, pack=current, expected_version=current.version, pillar=pillar, text=texts[pillar]
                )

            return _write

        outcomes = race(read, [write("finance"), write("workforce")])
        after = Pack.objects.get(pk=pack.pk)
        stored = dict(PillarNarrative.objects.filter(pack=pack).values_list("pillar", "text"))
        judge(
            tally,
            trial,
            outcomes,
            [
                lambda s=stored, t=texts: s.get("finance") == t["finance"],
                lambda s=stored, t=texts: s.get("workforce") == t["workforce"],
            ],
            version_before=before.version,
            version_after=after.version,
            history_before=history_before,
            history_after=after.history.count(),
        )
    assert_no_lost_updates(tally)


def test_two_people_setting_a_criterions_status_at_once_never_lose_an_update(world, frameworks):
    """Two officials set a criterion to different statuses from the same case page."""
    draft = escalation.decision_draft(
        actor=world.personas["analyst"],
        organisation=world.org_a,
        scope=escalation.Scope("organisation"),
        to_level=3,
        rationale="Financial position worsening",
        planned_on=DAY,
    )
    decided = escalation.decision_decide(
        actor=world.personas["decision_maker"], decision=draft, expected_version=draft.version, decided_on=DAY
    )
    criterion = escalation.criterion_propose(
        actor=world.personas["analyst"], case=decided.case, text="Board approves a balanced financial plan"
    )
    official, decision_maker = world.personas["official"], world.personas["decision_maker"]
    cycle = ["agreed", "in_progress", "met", "proposed"]  # never "sustained": the case would close
    tally = Tally()
    for trial in range(TRIALS):
        before = DeescalationCriterion.objects.get(pk=criterion.pk)
        history_before = before.history.count()
        now = cycle.index(before.status)
        wanted = [cycle[(now + 1) % 4], cycle[(now + 2) % 4]]

        def read():
            return DeescalationCriterion.objects.get(pk=criterion.pk)

        def write(actor, status):
            def _write(current):
                return escalation.criterion_set_status(
                    actor=actor, criterion=current, expected_version=current.version, status=status, on=DAY
                )

            return _write

        outcomes = race(read, [write(official, wanted[0]), write(decision_maker, wanted[1])])
        after = DeescalationCriterion.objects.get(pk=criterion.pk)
        judge(
            tally,
            trial,
            outcomes,
            [lambda a=after, w=status: a.status == w for status in wanted],
            version_before=before.version,
            version_after=after.version,
            history_before=history_before,
            history_after=after.history.count(),
        )
    assert_no_lost_updates(tally)


def test_two_people_changing_a_meeting_at_once_never_lose_an_update(world, frameworks):
    """One secretary renames a meeting while another changes where it is held."""
    official = world.personas["official"]
    meeting = meeting_services.meeting_create(
        actor=official,
        meeting_type=MeetingType.objects.get(code="ceo_review"),
        starts_at=datetime(2027, 2, 3, 10, tzinfo=UTC),
        organisation=world.org_a,
        title="Review",
    )
    tally = Tally()
    for trial in range(TRIALS):
        before = Meeting.objects.get(pk=meeting.pk)
        history_before = before.history.count()
        title, location = f"Review, trial {trial}", f"Room {trial}"

        def read():
            return Meeting.objects.get(pk=meeting.pk)

        def rename(current, title=title):
            return meeting_services.meeting_update(
                actor=official, meeting=current, expected_version=current.version, title=title
            )

        def move(current, location=location):
            return meeting_services.meeting_update(
                actor=official, meeting=current, expected_version=current.version, location=location
            )

        outcomes = race(read, [rename, move])
        after = Meeting.objects.get(pk=meeting.pk)
        judge(
            tally,
            trial,
            outcomes,
            [lambda a=after, t=title: a.title == t, lambda a=after, p=location: a.location == p],
            version_before=before.version,
            version_after=after.version,
            history_before=history_before,
            history_after=after.history.count(),
        )
    assert_no_lost_updates(tally)
