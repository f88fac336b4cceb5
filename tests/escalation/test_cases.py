"""Cases, criteria, concerns and requests for information."""

from datetime import date

import pytest
from django.http import Http404

from escalation import rules, selectors, services
from escalation.choices import CasePhase, ConcernSource, ConcernStatus
from escalation.models import Concern, EscalationCase
from escalation.services import RuleRefused, Scope
from oversight.errors import ConflictError, PermissionRefused
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

WHOLE = Scope("organisation")


def move(world, to_level, on, override="Evidence reviewed"):
    decision = services.decision_draft(
        actor=world.personas["analyst"],
        organisation=world.org_a,
        scope=WHOLE,
        to_level=to_level,
        rationale="r",
        planned_on=on,
    )
    return services.decision_decide(
        actor=world.personas["decision_maker"],
        decision=decision,
        expected_version=decision.version,
        decided_on=on,
        minister_decided_on=on,
        override_rationale=override,
    )


def the_case(world):
    return EscalationCase.objects.get(organisation=world.org_a, scope_key="organisation")


def test_a_case_opens_when_a_scope_rises_above_level_1(world, frameworks):
    decision = move(world, 3, date(2025, 2, 3))
    case = the_case(world)
    assert case.phase == CasePhase.ACTIVE
    assert case.opened_on == date(2025, 2, 3)
    assert decision.case == case


def test_back_at_level_1_the_case_stays_open_for_sustainability_then_closes_when_criteria_are_sustained(
    world, frameworks
):
    move(world, 3, date(2025, 2, 3))
    move(world, 1, date(2025, 9, 1))
    case = the_case(world)
    assert case.phase == CasePhase.SUSTAINABILITY
    assert case.sustainability_from == date(2025, 9, 1)
    analyst = world.personas["analyst"]
    first = services.criterion_propose(actor=analyst, case=case, text="Financial plan delivered for two quarters")
    second = services.criterion_propose(actor=analyst, case=case, text="Board assurance framework in use")
    for criterion in (first, second):
        criterion = services.criterion_set_status(
            actor=analyst,
            criterion=criterion,
            expected_version=criterion.version,
            status="agreed",
            on=date(2025, 9, 20),
        )
    first.refresh_from_db()
    services.criterion_set_status(
        actor=analyst, criterion=first, expected_version=first.version, status="sustained", on=date(2026, 3, 2)
    )
    assert the_case(world).phase == CasePhase.SUSTAINABILITY  # one of two sustained
    second.refresh_from_db()
    services.criterion_set_status(
        actor=analyst, criterion=second, expected_version=second.version, status="sustained", on=date(2026, 3, 9)
    )
    case = EscalationCase.objects.get(pk=case.pk)
    assert case.phase == CasePhase.CLOSED
    assert case.closed_on == date(2026, 3, 9)
    assert "sustained" in case.closing_reason


def test_escalating_again_during_sustainability_reactivates_the_same_case(world, frameworks):
    move(world, 3, date(2025, 2, 3))
    move(world, 1, date(2025, 9, 1))
    move(world, 2, date(2026, 1, 12))
    assert EscalationCase.objects.count() == 1
    assert the_case(world).phase == CasePhase.ACTIVE


def test_a_decision_maker_closes_a_case_with_a_reason_once_the_scope_is_at_level_1(world, frameworks):
    move(world, 3, date(2025, 2, 3))
    case = the_case(world)
    with pytest.raises(RuleRefused) as refused:
        services.case_close(
            actor=world.personas["decision_maker"],
            case=case,
            expected_version=case.version,
            reason="Done",
            on=date(2025, 3, 1),
        )
    assert refused.value.code == "case_still_escalated"
    move(world, 1, date(2025, 9, 1))
    case.refresh_from_db()
    with pytest.raises(PermissionRefused):
        services.case_close(
            actor=world.personas["official"],
            case=case,
            expected_version=case.version,
            reason="Done",
            on=date(2025, 9, 2),
        )
    with pytest.raises(RuleRefused, match="Give the reason"):
        services.case_close(
            actor=world.personas["decision_maker"],
            case=case,
            expected_version=case.version,
            reason=" ",
            on=date(2025, 9, 2),
        )
    closed = services.case_close(
        actor=world.personas["decision_maker"],
        case=case,
        expected_version=case.version,
        reason="Merger of the service into the regional network removes the risk",
        on=date(2025, 9, 2),
    )
    assert closed.phase == CasePhase.CLOSED and closed.closed_by == world.personas["decision_maker"]
    move(world, 2, date(2026, 6, 1))
    assert EscalationCase.objects.filter(organisation=world.org_a).count() == 2  # a new case


def test_an_official_opens_a_case_at_level_1_for_a_letter_of_concern(world, frameworks):
    case = services.case_open(
        actor=world.personas["official"],
        organisation=world.org_a,
        scope=WHOLE,
        reason="Letter of concern about cancer waiting times",
        on=date(2026, 5, 1),
    )
    assert case.phase == CasePhase.ACTIVE
    with pytest.raises(ConflictError):
        services.case_open(
            actor=world.personas["official"], organisation=world.org_a, scope=WHOLE, reason="again", on=date(2026, 5, 2)
        )
    move(world, 2, date(2026, 6, 1))
    assert EscalationCase.objects.count() == 1  # the escalation joins the open case


def test_the_six_week_criteria_deadline_is_flagged(world, frameworks):
    decision = move(world, 3, date(2025, 2, 3))
    due = rules.criteria_agreement_due(decision.decided_on)
    assert due == date(2025, 3, 17)
    case = the_case(world)
    assert rules.criteria_overdue(decided_on=decision.decided_on, criteria=[], today=date(2025, 3, 17)) is False
    assert rules.criteria_overdue(decided_on=decision.decided_on, criteria=[], today=date(2025, 3, 18)) is True
    criterion = services.criterion_propose(actor=world.personas["analyst"], case=case, text="Plan approved")
    assert criterion.decision == decision
    rows = list(case.criteria.values_list("status", "agreed_on"))
    assert rules.criteria_overdue(decided_on=decision.decided_on, criteria=rows, today=date(2025, 3, 20)) is True
    services.criterion_set_status(
        actor=world.personas["analyst"],
        criterion=criterion,
        expected_version=criterion.version,
        status="agreed",
        on=date(2025, 3, 10),
    )
    rows = list(case.criteria.values_list("status", "agreed_on"))
    assert rules.criteria_overdue(decided_on=decision.decided_on, criteria=rows, today=date(2025, 6, 1)) is False


# --- Concerns -------------------------------------------------------------------------------


def test_an_organisation_user_raises_a_concern_about_their_own_organisation_as_self_referral(world, frameworks):
    concern = services.concern_raise(
        actor=world.personas["submitter_a"],
        organisation=world.org_a,
        title="Theatre staffing",
        description="Anaesthetic rota gaps will cancel elective lists next month",
        on=date(2026, 5, 1),
    )
    assert concern.source == ConcernSource.SELF_REFERRAL
    assert concern.status == ConcernStatus.OPEN
    with pytest.raises(PermissionRefused):  # B is in the public register: a 403, not a 404
        services.concern_raise(
            actor=world.personas["submitter_a"],
            organisation=world.org_b,
            title="t",
            description="d",
            on=date(2026, 5, 1),
        )


def test_each_source_is_recorded(world, frameworks):
    cases = {"official": ConcernSource.WELSH_GOVERNMENT, "analyst": ConcernSource.NHS_PI, "partner": ConcernSource.HIW}
    for persona, source in cases.items():
        concern = services.concern_raise(
            actor=world.personas[persona], organisation=world.org_b, title="t", description="d", on=date(2026, 5, 1)
        )
        assert concern.source == source, persona


def test_an_automated_signal_raises_one_concern_however_often_it_runs(world, frameworks):
    key = "spc:ORGA:UEC-ED4H:2026-05:shift"
    first, created = services.concern_raise_automated(
        organisation=world.org_a,
        source_key=key,
        title="ED 4-hour shift",
        description="7 points below",
        on=date(2026, 6, 1),
    )
    again, created_again = services.concern_raise_automated(
        organisation=world.org_a,
        source_key=key,
        title="ED 4-hour shift",
        description="7 points below",
        on=date(2026, 6, 2),
    )
    assert created and not created_again and first == again
    assert Concern.objects.filter(source_key=key).count() == 1


def test_triage_links_a_concern_to_a_case_or_closes_it_with_a_reason(world, frameworks):
    move(world, 2, date(2026, 5, 4))

    def raise_():
        return services.concern_raise(
            actor=world.personas["official"],
            organisation=world.org_a,
            title="t",
            description="d",
            on=date(2026, 5, 5),
        )

    concern = raise_()
    with pytest.raises(PermissionRefused):
        services.concern_triage(actor=world.personas["submitter_a"], concern=concern, expected_version=concern.version)
    linked = services.concern_triage(
        actor=world.personas["analyst"], concern=concern, expected_version=concern.version, case=the_case(world)
    )
    assert linked.status == ConcernStatus.LINKED and linked.case == the_case(world)
    other = raise_()
    closed = services.concern_triage(
        actor=world.personas["analyst"],
        concern=other,
        expected_version=other.version,
        close_reason="Duplicate of the HIW report already linked",
    )
    assert closed.status == ConcernStatus.CLOSED


# --- Requests for information ---------------------------------------------------------------


def test_a_request_for_information_goes_overdue_and_is_answered_by_the_organisation(world, frameworks):
    request = services.request_send(
        actor=world.personas["analyst"],
        organisation=world.org_a,
        question="Send the recovery trajectory",
        sent_on=date(2026, 5, 1),
        due_on=date(2026, 5, 15),
    )
    assert rules.request_overdue(due_on=request.due_on, responded_on=None, today=date(2026, 5, 15)) is False
    assert rules.request_overdue(due_on=request.due_on, responded_on=None, today=date(2026, 5, 16)) is True
    with pytest.raises(Http404):
        services.request_answer(
            actor=world.personas["submitter_b"],
            request=request,
            expected_version=request.version,
            response="x",
            on=date(2026, 5, 16),
        )
    answered = services.request_answer(
        actor=world.personas["submitter_a"],
        request=request,
        expected_version=request.version,
        response="Trajectory attached",
        on=date(2026, 5, 18),
    )
    assert answered.responded_on == date(2026, 5, 18)
    assert rules.request_overdue(due_on=answered.due_on, responded_on=answered.responded_on, today=date(2026, 6, 1))


def test_a_tripartite_partner_cannot_answer_for_an_organisation(world, frameworks):
    request = services.request_send(
        actor=world.personas["official"],
        organisation=world.org_a,
        question="q",
        sent_on=date(2026, 5, 1),
        due_on=date(2026, 5, 15),
    )
    with pytest.raises(Http404):
        services.request_answer(
            actor=world.personas["partner"],
            request=request,
            expected_version=request.version,
            response="x",
            on=date(2026, 5, 2),
        )


def test_a_statutory_body_is_needed_to_open_a_case(world, frameworks):
    hosted = OrganisationFactory(code="HOSTED2", kind="hosted_body", statutory=False)
    with pytest.raises(RuleRefused):
        services.case_open(
            actor=world.personas["official"], organisation=hosted, scope=WHOLE, reason="r", on=date(2026, 5, 1)
        )


def test_another_organisations_executive_cannot_answer(world, frameworks):
    executive_b = UserFactory(username="exec_b")
    MembershipFactory(user=executive_b, organisation=world.org_b, role="org_executive")
    request = services.request_send(
        actor=world.personas["official"],
        organisation=world.org_a,
        question="q",
        sent_on=date(2026, 5, 1),
        due_on=date(2026, 5, 15),
    )
    with pytest.raises(Http404):
        services.request_answer(
            actor=executive_b, request=request, expected_version=request.version, response="x", on=date(2026, 5, 2)
        )
    assert selectors.level_of(organisation_id=world.org_a.pk, scope_key="organisation") == 1
