"""The access policy (``oversight.access``), with every expectation written out by hand."""

from __future__ import annotations

import pytest
from django.http import Http404

from organisations.choices import Role
from organisations.models import Membership
from oversight import access
from oversight.errors import PermissionRefused
from oversight.models import Attachment
from tests.factories import MembershipFactory, NotificationFactory, UserFactory

# --- visible_organisation_ids ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("official", None),
        ("decision_maker", None),
        ("analyst", None),
        ("admin", None),
        ("submitter_a", {"org_a"}),
        ("submitter_b", {"org_b"}),
        ("partner", {"hiw"}),
        ("anonymous", set()),
    ],
)
def test_each_persona_sees_the_organisations_it_should(world, persona, expected):
    ids = access.visible_organisation_ids(world.personas[persona])

    if expected is None:
        assert ids is None
    else:
        assert ids == frozenset(getattr(world, name).pk for name in expected)


def test_a_user_with_no_membership_sees_no_organisation(db):
    nobody = UserFactory(username="nobody")

    assert access.visible_organisation_ids(nobody) == frozenset()


def test_a_user_with_two_memberships_sees_both_organisations(world):
    MembershipFactory(user=world.personas["submitter_a"], organisation=world.org_b, role=Role.ORG_EXECUTIVE)
    user = type(world.personas["submitter_a"]).objects.get(username="submitter_a")

    assert access.visible_organisation_ids(user) == frozenset({world.org_a.pk, world.org_b.pk})


def test_a_wg_secretariat_member_sees_every_organisation(world):
    secretary = UserFactory(username="secretary")
    MembershipFactory(user=secretary, organisation=world.wg, role=Role.WG_SECRETARIAT)

    assert access.visible_organisation_ids(secretary) is None


# --- restrict ----------------------------------------------------------------------------------


def test_restrict_gives_submitter_a_only_org_as_memberships(world):
    colleague = UserFactory(username="colleague_a")
    colleague_membership = MembershipFactory(user=colleague, organisation=world.org_a, role=Role.ORG_EXECUTIVE)
    own_membership = Membership.objects.get(user=world.personas["submitter_a"])

    rows = access.restrict(Membership.objects.all(), world.personas["submitter_a"])

    assert set(rows) == {own_membership, colleague_membership}


def test_restrict_gives_an_official_every_membership(world):
    rows = access.restrict(Membership.objects.all(), world.personas["official"])

    # One membership per signed-in persona in the world fixture.
    assert rows.count() == 7


def test_restrict_gives_an_anonymous_visitor_nothing(world):
    assert access.restrict(Membership.objects.all(), world.personas["anonymous"]).count() == 0


def test_restrict_refuses_a_model_that_does_not_say_where_its_organisation_is(world):
    from django.contrib.auth import get_user_model

    with pytest.raises(TypeError):
        access.restrict(get_user_model().objects.all(), world.personas["submitter_a"])


# --- can ---------------------------------------------------------------------------------------

ACTIONS = [
    "organisation.view_register",
    "organisation.view_private",
    "organisation.change",
    "membership.view",
    "membership.change",
    "attachment.view",
    "attachment.upload",
    "notification.view",
    "admin.site",
    "escalation.view",
    "escalation.draft",
    "escalation.recommend",
    "escalation.decide",
    "escalation.notify",
    "escalation.case.open",
    "escalation.case.close",
    "escalation.criteria.manage",
    "escalation.criteria.evidence",
    "escalation.concern.raise",
    "escalation.concern.triage",
    "escalation.request.send",
    "escalation.request.answer",
    "escalation.support.manage",
    "escalation.intelligence.add",
    "escalation.intelligence.share",
    "escalation.tripartite.manage",
    "meetings.view",
    "meetings.manage",
    "meetings.paper.upload",
    "meetings.action.update",
    "meetings.committee.manage",
    "reporting.pack.view",
    "reporting.pack.edit",
    "reporting.pack.submit",
    "reporting.pack.curate",
    "reporting.catalogue.manage",
    "reporting.analytics.run",
    "reporting.values.upload",
    "reporting.suggestions.view",
    "reporting.daily.submit",
    "reporting.criteria.bind",
    "reporting.document.view",
    "reporting.document.draft",
    "reporting.document.approve",
    "reporting.document.issue",
]

# For each persona, whether it may perform each action (in the order of ACTIONS) on org A's
# objects: org A itself, submitter A's membership, an attachment of org A's, a notification
# addressed to submitter A, a pack of org A's, a criterion of org A's and an issued letter of org A's.
Y, N = True, False
# fmt: off
EXPECTED = {
    # organisation: register private change; membership: view change; attachment: view upload; notification;
    # admin; escalation: view draft recommend decide notify, case open close, criteria manage evidence,
    # concern raise triage, request send answer, support plans, intelligence add share, tripartite;
    # meetings: view manage, paper upload, action update, committee manage;
    # reporting: pack view edit submit curate, catalogue manage, analytics run, values upload,
    # suggestions view, daily submit, criteria bind; document view draft approve issue
    "anonymous":      [N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N],  # noqa: E501
    "official":       [Y, Y, N, Y, N, Y, Y, N, N, Y, Y, Y, Y, Y, Y, N, Y, Y, Y, Y, Y, Y, Y, Y, Y, Y, Y, Y, Y, Y, Y, Y, N, N, N, N, Y, N, Y, N, N, Y, Y, Y, Y],  # noqa: E501
    "decision_maker": [Y, Y, N, Y, N, Y, Y, N, N, Y, Y, Y, Y, Y, Y, Y, Y, Y, Y, Y, Y, Y, Y, Y, Y, Y, Y, Y, Y, Y, Y, Y, N, N, N, N, Y, N, Y, N, N, Y, Y, Y, Y],  # noqa: E501
    "analyst":        [Y, Y, N, Y, N, Y, Y, N, N, Y, Y, Y, N, N, N, N, Y, Y, Y, Y, Y, Y, Y, Y, N, N, Y, N, Y, Y, N, Y, Y, N, Y, Y, Y, Y, Y, Y, Y, Y, Y, N, N],  # noqa: E501
    "submitter_a":    [Y, Y, N, Y, N, Y, Y, Y, N, Y, N, N, N, N, N, N, N, Y, Y, N, N, Y, N, N, N, N, Y, N, Y, Y, N, Y, Y, Y, N, N, N, Y, N, Y, N, Y, N, N, N],  # noqa: E501
    "submitter_b":    [Y, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, Y, N, N, N, N, N, N, N],  # noqa: E501
    "partner":        [Y, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, Y, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N],  # noqa: E501
    "admin":          [Y, Y, Y, Y, Y, Y, Y, N, Y, Y, N, N, N, N, N, N, N, N, Y, N, N, N, N, N, N, N, Y, N, N, N, N, Y, N, N, N, Y, N, N, N, N, N, Y, N, N, N],  # noqa: E501
}
# fmt: on


# Rules added since the table above: one line each, the personas allowed on org A's object (see
# _object_for). ADD NEW RULES HERE, not as a new column of EXPECTED, so that several people can
# add rules at once without shifting each other's columns.
PERSONAS = ("anonymous", "official", "decision_maker", "analyst", "submitter_a", "submitter_b", "partner", "admin")
ALLOWED = {
    "reporting.publication.publish": {"official", "decision_maker"},
    # The access log of sensitive reads: administrators only.
    "audit.view_sensitive_reads": {"admin"},
    # Batches of documents (a batch holds many organisations' drafts): seen by WG, NHS P&I and
    # administrators; started by drafters; "approve all" by officials and decision makers;
    # issued by WG.
    "reporting.batch.view": {"official", "decision_maker", "analyst", "admin"},
    "reporting.batch.create": {"official", "decision_maker", "analyst"},
    "reporting.batch.approve": {"official", "decision_maker"},
    "reporting.batch.issue": {"official", "decision_maker"},
    # Plans and accountability, on a plan of org A's: its private data; WG and NHS P&I record
    # and judge; only A's own staff file evidence; a submission is received from A or recorded by WG/NHS P&I.
    "plans.view": {"official", "decision_maker", "analyst", "submitter_a", "admin"},
    "plans.plan.manage": {"official", "decision_maker", "analyst"},
    "plans.condition.manage": {"official", "decision_maker", "analyst"},
    "plans.condition.evidence": {"submitter_a"},
    "plans.submission.receive": {"official", "decision_maker", "analyst", "submitter_a"},
    # Accountability, on a Chair objective of org A's: its private data; WG sets objectives and
    # grants flexibilities; evidence from WG or A's own staff; A's own staff prepare the
    # self-assessment and NHS P&I assesses it; the synthesis is WG and NHS P&I's, written by NHS P&I.
    "accountability.view": {"official", "decision_maker", "analyst", "submitter_a", "admin"},
    "accountability.objective.manage": {"official", "decision_maker"},
    "accountability.objective.evidence": {"official", "decision_maker", "submitter_a"},
    "accountability.flexibility.grant": {"official", "decision_maker"},
    "accountability.assessment.submit": {"submitter_a"},
    "accountability.assessment.review": {"analyst"},
    "accountability.synthesis.view": {"official", "decision_maker", "analyst"},
    "accountability.synthesis.edit": {"analyst"},
    "accountability.synthesis.signoff": {"analyst"},
}


def test_the_table_covers_every_rule_in_the_policy():
    assert not set(ACTIONS) & set(ALLOWED)
    assert set(access.RULES) == set(ACTIONS) | set(ALLOWED)


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("action", list(ALLOWED))
def test_can_answers_each_later_action_for_each_persona_as_written(world, persona, action):
    expected = persona in ALLOWED[action]

    assert access.can(world.personas[persona], action, _object_for(world, action)) is expected


def _object_for(world, action):
    if action.startswith(("organisation.", "escalation.")):
        return world.org_a
    if action.startswith("plans."):
        from plans.models import Plan

        return Plan(organisation=world.org_a)
    if action.startswith("accountability."):
        from accountability.models import ChairObjective

        return ChairObjective(organisation=world.org_a, year=2026, text="Lead a governance review")
    if action.startswith("membership."):
        return Membership.objects.get(user=world.personas["submitter_a"], organisation=world.org_a)
    if action.startswith("attachment."):
        return Attachment(organisation=world.org_a)
    if action.startswith("notification."):
        return NotificationFactory(recipient=world.personas["submitter_a"])
    if action.startswith("meetings."):
        return _meeting_of(world.org_a)
    if action.startswith("reporting.publication."):
        from escalation.models import EscalationDecision

        return EscalationDecision(organisation=world.org_a, from_level=1, to_level=2, status="decided")
    if action.startswith("reporting.batch."):
        from reporting.models import DocumentBatch

        return DocumentBatch(kind="post_meeting_letter", title="Post-meeting letters, November 2026")
    if action.startswith("reporting.document."):
        from reporting.models import Document

        return Document(organisation=world.org_a, status="issued", kind="escalation_notification")
    if action.startswith("reporting.criteria."):
        from escalation.models import DeescalationCriterion

        return DeescalationCriterion(organisation=world.org_a, text="ED 12-hour waits ≤ 500 for 3 months")
    if action.startswith("reporting."):
        from datetime import date

        from reporting.models import Pack

        return Pack.objects.create(organisation=world.org_a, period=date(2026, 10, 1))
    return None


def _meeting_of(organisation):
    from datetime import UTC, datetime

    from meetings.models import Meeting, MeetingType

    return Meeting.objects.create(
        meeting_type=MeetingType.objects.get(code="ceo_review"),
        organisation=organisation,
        title="CEO/Executive Review",
        starts_at=datetime(2026, 12, 1, 10, tzinfo=UTC),
        ends_at=datetime(2026, 12, 1, 12, tzinfo=UTC),
    )


def test_a_system_meeting_is_seen_by_the_organisations_invited_to_it_only(world):
    from datetime import UTC, datetime

    from meetings.models import Meeting, MeetingInvitation, MeetingType

    meeting = Meeting.objects.create(
        meeting_type=MeetingType.objects.get(code="wg_nhspi_oversight"),
        title="WG–NHS P&I Oversight Meeting",
        starts_at=datetime(2026, 12, 1, 10, tzinfo=UTC),
        ends_at=datetime(2026, 12, 1, 12, tzinfo=UTC),
    )
    MeetingInvitation.objects.create(meeting=meeting, organisation=world.org_a)
    assert access.can(world.personas["submitter_a"], "meetings.view", meeting)
    assert not access.can(world.personas["submitter_b"], "meetings.view", meeting)
    assert access.can(world.personas["official"], "meetings.view", meeting)
    seen = access.restrict_meetings(Meeting.objects.all(), world.personas["submitter_a"])
    assert list(seen) == [meeting]
    assert not access.restrict_meetings(Meeting.objects.all(), world.personas["submitter_b"]).exists()


@pytest.mark.parametrize("persona", list(EXPECTED))
@pytest.mark.parametrize("action", ACTIONS)
def test_can_answers_each_action_for_each_persona_as_written(world, persona, action):
    expected = EXPECTED[persona][ACTIONS.index(action)]

    assert access.can(world.personas[persona], action, _object_for(world, action)) is expected


def test_a_notification_is_visible_to_its_recipient_only(world):
    notification = NotificationFactory(recipient=world.personas["submitter_b"])

    assert access.can(world.personas["submitter_b"], "notification.view", notification) is True
    assert access.can(world.personas["submitter_a"], "notification.view", notification) is False
    assert access.can(world.personas["admin"], "notification.view", notification) is False


def test_submitter_b_may_view_and_upload_for_org_b_but_not_org_a(world):
    submitter_b = world.personas["submitter_b"]

    assert access.can(submitter_b, "attachment.upload", Attachment(organisation=world.org_b)) is True
    assert access.can(submitter_b, "attachment.view", Attachment(organisation=world.org_b)) is True
    assert access.can(submitter_b, "attachment.upload", Attachment(organisation=world.org_a)) is False


def test_system_wide_material_is_for_those_who_see_every_organisation(world):
    system_wide = Attachment(organisation=None)

    assert access.can(world.personas["official"], "attachment.view", system_wide) is True
    assert access.can(world.personas["submitter_a"], "attachment.view", system_wide) is False
    assert access.can(world.personas["partner"], "attachment.upload", system_wide) is False


def test_an_unknown_action_raises_key_error(world):
    with pytest.raises(KeyError, match=r"organisation\.delete"):
        access.can(world.personas["admin"], "organisation.delete", world.org_a)


def test_require_with_an_unknown_action_raises_key_error(world):
    with pytest.raises(KeyError):
        access.require(world.personas["admin"], "no.such.action")


# --- require -----------------------------------------------------------------------------------


def test_require_answers_another_organisations_membership_as_not_found(world):
    membership_at_a = Membership.objects.get(user=world.personas["submitter_a"])

    with pytest.raises(Http404):
        access.require(world.personas["submitter_b"], "membership.view", membership_at_a)


def test_require_answers_another_organisations_attachment_as_not_found(world):
    with pytest.raises(Http404):
        access.require(world.personas["partner"], "attachment.view", Attachment(organisation=world.org_a))


def test_require_refuses_a_visible_organisation_the_user_may_not_change(world):
    with pytest.raises(PermissionRefused) as refused:
        access.require(world.personas["submitter_a"], "organisation.change", world.org_a)

    assert refused.value.status == 403
    assert refused.value.code == "permission_denied"


def test_require_refuses_another_organisations_register_entry_as_forbidden_not_missing(world):
    # The register of names and codes is public to signed-in users, so org A is known to exist.
    with pytest.raises(PermissionRefused):
        access.require(world.personas["submitter_b"], "organisation.change", world.org_a)


def test_require_refuses_a_submitter_changing_their_own_membership(world):
    own = Membership.objects.get(user=world.personas["submitter_a"])

    with pytest.raises(PermissionRefused):
        access.require(world.personas["submitter_a"], "membership.change", own)


def test_require_refuses_a_non_administrator_the_admin_site(world):
    with pytest.raises(PermissionRefused):
        access.require(world.personas["official"], "admin.site")


def test_require_lets_a_permitted_action_through(world):
    assert access.require(world.personas["admin"], "organisation.change", world.org_a) is None
    assert access.require(world.personas["submitter_a"], "membership.view", world.org_a.memberships.first()) is None


# --- Superusers --------------------------------------------------------------------------------


def test_a_superuser_with_no_membership_is_treated_as_an_administrator(db, world):
    root = UserFactory(username="root", is_superuser=True, is_staff=True)

    assert access.visible_organisation_ids(root) is None
    assert access.can(root, "admin.site") is True
    assert access.can(root, "organisation.change", world.org_b) is True
    assert access.can(root, "membership.change", Membership.objects.get(user=world.personas["submitter_b"])) is True
    assert access.can(root, "attachment.view", Attachment(organisation=world.org_b)) is True
    assert access.navigation_for(root)["admin"] is True


def test_a_staff_user_who_is_not_a_superuser_is_not_an_administrator(db, world):
    staff = UserFactory(username="staff_only", is_staff=True)

    assert access.visible_organisation_ids(staff) == frozenset()
    assert access.can(staff, "admin.site") is False


# --- The cached principal ----------------------------------------------------------------------


def test_forget_makes_a_new_membership_count(world):
    user = UserFactory(username="newcomer")
    assert access.visible_organisation_ids(user) == frozenset()
    MembershipFactory(user=user, organisation=world.org_b, role=Role.ORG_SUBMITTER)

    access.forget(user)

    assert access.visible_organisation_ids(user) == frozenset({world.org_b.pk})


def test_an_object_reached_through_a_path_belongs_to_the_organisation_at_its_end(world, frameworks):
    """A support plan's organisation is its case's organisation, not the case's own id."""
    from datetime import date

    from escalation import services
    from tests.factories import OrganisationFactory

    # Make the ids differ so that a case id could never pass for an organisation id.
    for n in range(3):
        OrganisationFactory(code=f"PAD{n}", name=f"Padding {n}")
    decision = services.decision_draft(
        actor=world.personas["analyst"],
        organisation=world.org_b,
        scope=services.Scope("service", service_name="Stroke"),
        to_level=2,
        rationale="r",
        planned_on=date(2026, 6, 1),
    )
    case = services.decision_decide(
        actor=world.personas["decision_maker"],
        decision=decision,
        expected_version=decision.version,
        decided_on=date(2026, 6, 1),
    ).case
    plan = services.support_plan_create(
        actor=world.personas["analyst"], case=case, kind="improvement", started_on=date(2026, 6, 2)
    )
    milestone = services.milestone_add(
        actor=world.personas["analyst"], plan=plan, title="t", owner="o", due_on=date(2026, 9, 1)
    )
    for obj in (plan, milestone):
        assert access._organisation_id_of(obj) == world.org_b.pk
        assert access.is_visible(world.personas["submitter_b"], obj)
        assert not access.is_visible(world.personas["submitter_a"], obj)


def test_a_role_counts_only_in_the_organisation_that_holds_it(world):
    """A partner at HIW who is also a submitter at org A submits papers for A, not for HIW."""
    from datetime import UTC, datetime

    from meetings.models import Meeting, MeetingInvitation, MeetingType

    dual = world.personas["partner"]
    MembershipFactory(user=dual, organisation=world.org_a, role=Role.ORG_SUBMITTER)
    dual = type(dual).objects.get(pk=dual.pk)  # a fresh principal
    tripartite = Meeting.objects.create(
        meeting_type=MeetingType.objects.get(code="tripartite"),
        title="Tripartite meeting",
        starts_at=datetime(2026, 12, 1, 10, tzinfo=UTC),
        ends_at=datetime(2026, 12, 1, 12, tzinfo=UTC),
    )
    MeetingInvitation.objects.create(meeting=tripartite, organisation=world.hiw)
    assert access.can(dual, "meetings.view", tripartite)
    assert not access.can(dual, "meetings.paper.upload", tripartite)
    assert access.can(dual, "meetings.paper.upload", _meeting_of(world.org_a))
    assert access.can(dual, "escalation.request.answer", world.org_a)
    assert not access.can(dual, "escalation.request.answer", world.hiw)


def test_another_organisations_pack_is_seen_only_once_released(world):
    from datetime import date

    from django.utils import timezone

    from reporting.models import Pack

    draft = Pack.objects.create(organisation=world.org_a, period=date(2026, 9, 1))
    released = Pack.objects.create(
        organisation=world.org_a,
        period=date(2026, 8, 1),
        status="released",
        validated_at=timezone.now(),
        released_at=timezone.now(),
    )
    b = world.personas["submitter_b"]
    assert not access.can(b, "reporting.pack.view", draft)
    assert access.can(b, "reporting.pack.view", released)
    assert list(access.restrict_packs(Pack.objects.all(), b)) == [released]
    assert set(access.restrict_packs(Pack.objects.all(), world.personas["submitter_a"])) == {draft, released}
    assert not access.restrict_packs(Pack.objects.all(), world.personas["anonymous"]).exists()
