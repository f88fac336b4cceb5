"""The access policy: the one place that decides who sees what and who may do what.

It answers two questions, and every view, API viewset, selector and service asks it:

* ``visible_organisation_ids(user)`` – whose non-public data may this user see?
  WG and NHS P&I roles and administrators see every organisation's; everyone else sees
  only the organisations they hold a membership of.
* ``can(user, action, obj)`` – may this user perform ``action`` on ``obj``?

The register of organisation names and codes is not private: every signed-in user sees it.
Asking for another organisation's private object is answered as if it did not exist
(``Http404``), so nothing leaks about what exists; an object the user may see but not
change is a 403.

Roles are those of ``organisations.choices.Role``; their meaning is set here and nowhere else.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db.models import Model, Q, QuerySet
from django.http import Http404

from organisations.choices import Role

from .errors import PermissionRefused

# Roles whose holders see every organisation's non-public data.
ALL_ORGANISATION_ROLES = frozenset(
    {Role.WG_OFFICIAL, Role.WG_DECISION_MAKER, Role.WG_SECRETARIAT, Role.NHSPI_ANALYST, Role.ADMINISTRATOR}
)
WG_ROLES = frozenset({Role.WG_OFFICIAL, Role.WG_DECISION_MAKER, Role.WG_SECRETARIAT})
# Analysts draft and recommend escalation decisions but never decide them.
ESCALATION_DRAFTERS = frozenset({Role.WG_OFFICIAL, Role.WG_DECISION_MAKER, Role.NHSPI_ANALYST})


@dataclass(frozen=True)
class Principal:
    """What the policy knows about a user, loaded once per request (one query)."""

    user_id: int | None
    authenticated: bool
    superuser: bool = False
    roles_by_organisation: dict[int, frozenset[str]] = field(default_factory=dict)

    @property
    def roles(self) -> frozenset[str]:
        found: set[str] = set()
        for roles in self.roles_by_organisation.values():
            found |= roles
        if self.superuser:
            found.add(Role.ADMINISTRATOR)
        return frozenset(found)

    @property
    def sees_all_organisations(self) -> bool:
        return bool(self.roles & ALL_ORGANISATION_ROLES)

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles & set(roles))

    def is_member_of(self, organisation_id: int | None) -> bool:
        return organisation_id in self.roles_by_organisation

    def has_role_in(self, organisation_id: int | None, *roles: str) -> bool:
        """Does the user hold one of these roles in that organisation (not merely somewhere)?"""
        return bool(self.roles_by_organisation.get(organisation_id, frozenset()) & set(roles))


ANONYMOUS = Principal(user_id=None, authenticated=False)


def principal(user) -> Principal:
    """The user's principal, cached on the user object for the rest of the request."""
    if user is None or not user.is_authenticated:
        return ANONYMOUS
    cached = getattr(user, "_oversight_principal", None)
    if cached is not None:
        return cached
    from organisations.models import Membership

    roles: dict[int, set[str]] = {}
    for organisation_id, role in Membership.objects.filter(user_id=user.pk).values_list("organisation_id", "role"):
        roles.setdefault(organisation_id, set()).add(role)
    p = Principal(
        user_id=user.pk,
        authenticated=True,
        superuser=user.is_superuser,
        roles_by_organisation={k: frozenset(v) for k, v in roles.items()},
    )
    user._oversight_principal = p
    return p


def forget(user) -> None:
    """Drop the cached principal, after the user's memberships change."""
    if hasattr(user, "_oversight_principal"):
        del user._oversight_principal


# --- Which organisations -----------------------------------------------------------------


def visible_organisation_ids(user) -> frozenset[int] | None:
    """Ids of the organisations whose non-public data the user may see; None means all."""
    p = principal(user)
    if not p.authenticated:
        return frozenset()
    if p.sees_all_organisations:
        return None
    return frozenset(p.roles_by_organisation)


def can_see_organisation(user, organisation_id: int | None) -> bool:
    """May the user see this organisation's non-public data? ``None`` is system-wide data."""
    ids = visible_organisation_ids(user)
    if ids is None:
        return True
    return organisation_id is not None and organisation_id in ids


def restrict(queryset: QuerySet, user) -> QuerySet:
    """Only the rows of ``queryset`` whose organisation the user may see.

    The model names the path to its organisation in ``access_organisation_field``;
    ``"pk"`` for Organisation itself. Rows with no organisation (system-wide) are seen only
    by roles that see every organisation.
    """
    path = getattr(queryset.model, "access_organisation_field", None)
    if path is None:
        raise TypeError(f"{queryset.model.__name__} does not declare access_organisation_field")
    ids = visible_organisation_ids(user)
    if ids is None:
        return queryset
    lookup = "pk__in" if path == "pk" else f"{path}__in"
    return queryset.filter(**{lookup: ids})


def _intelligence_visible(p: Principal, obj) -> bool:
    if p.sees_all_organisations:
        return True
    return p.has_role(Role.TRIPARTITE_PARTNER) and (p.is_member_of(obj.body_id) or obj.shared_with_partners)


def _tripartite_round_visible(p: Principal, obj) -> bool:
    if p.sees_all_organisations:
        return True
    return p.has_role(Role.TRIPARTITE_PARTNER) and any(
        p.is_member_of(body_id) for body_id in obj.participants.values_list("pk", flat=True)
    )


def _meeting_visible(p: Principal, obj) -> bool:
    """A meeting is seen by those who see its organisation, and by the people of the
    organisations invited to it (a system, regional or committee meeting has no organisation
    of its own). A meeting's child (agenda item, paper...) follows its meeting."""
    meeting = getattr(obj, "meeting", obj)
    if p.sees_all_organisations:
        return True
    if meeting.organisation_id is not None and p.is_member_of(meeting.organisation_id):
        return True
    if meeting.pk is None:
        return False
    invited = [invitation.organisation_id for invitation in meeting.invitations.all()]  # prefetched where loaded
    return any(p.is_member_of(organisation_id) for organisation_id in invited)


def _organisation_staff_at_meeting(p: Principal, meeting) -> bool:
    """Does the user submit or lead for the meeting's organisation, or for one invited to it?"""
    staff = (Role.ORG_SUBMITTER, Role.ORG_EXECUTIVE)
    if p.has_role_in(meeting.organisation_id, *staff):
        return True
    if meeting.pk is None:
        return False
    invited = [invitation.organisation_id for invitation in meeting.invitations.all()]  # prefetched where loaded
    return any(p.has_role_in(organisation_id, *staff) for organisation_id in invited)


def _system_paper_visible(p: Principal, attachment) -> bool:
    """A paper filed for a meeting with no organisation of its own (a system, regional or
    committee meeting) is for everyone who sees that meeting."""
    if attachment is None or getattr(attachment, "organisation_id", None) is not None:
        return False
    try:
        paper = attachment.meeting_paper  # the reverse side of meetings.Paper.attachment
    except (AttributeError, ObjectDoesNotExist):
        return False
    return _meeting_visible(p, paper.meeting)


def restrict_meetings(queryset: QuerySet, user, *, through: str = "") -> QuerySet:
    """Meetings (or, with ``through="meeting__"``, a meeting's children) the user may see:
    every one for WG, NHS P&I and administrators; otherwise those of their organisations and
    those their organisations are invited to."""
    ids = visible_organisation_ids(user)
    if ids is None:
        return queryset
    if not ids:
        return queryset.none()
    own = Q(**{f"{through}organisation__in": ids})
    invited = Q(**{f"{through}invitations__organisation__in": ids})
    return queryset.filter(own | invited).distinct()


def _pack_visible(p: Principal, obj) -> bool:
    """A performance pack is its organisation's (and WG's and NHS P&I's) until it is released;
    once released it is for every signed-in user ("released" is not "public") [ARCHITECTURE]."""
    pack = getattr(obj, "pack", obj)
    return p.authenticated and (pack.status == "released" or _sees(p, pack.organisation_id))


def restrict_packs(queryset: QuerySet, user, *, through: str = "") -> QuerySet:
    """Packs (or, with ``through="pack__"``, their contents) the user may see: their own
    organisation's at any stage, and everyone's released ones."""
    p = principal(user)
    if not p.authenticated:
        return queryset.none()
    ids = visible_organisation_ids(user)
    if ids is None:
        return queryset
    return queryset.filter(Q(**{f"{through}organisation__in": ids}) | Q(**{f"{through}status": "released"}))


def restrict_daily_values(queryset: QuerySet, user) -> QuerySet:
    """Daily system values (the urgent and emergency care sitrep) are shared across NHS Wales:
    every signed-in user sees every organisation's, as with released pack numbers."""
    return queryset if principal(user).authenticated else queryset.none()


def restrict_uploads(queryset: QuerySet, user) -> QuerySet:
    """An upload in progress is seen by the person who uploaded it, and no one else."""
    p = principal(user)
    return queryset.filter(created_by_id=p.user_id) if p.authenticated else queryset.none()


# The monthly system synthesis PDF (a ``reporting.Document`` of this kind, filed under NHS P&I)
# is for those who may see the synthesis itself, whoever else sees NHS P&I's documents.
SYNTHESIS_DOCUMENT_KIND = "system_synthesis"


def _sees_synthesis_documents(p: Principal) -> bool:
    return bool(RULES["accountability.synthesis.view"](p, None))


def _document_visible(p: Principal, obj) -> bool:
    """A letter or PDF (``reporting.Document``): WG, NHS P&I and administrators see every one,
    drafts included; an organisation's own people see its documents once issued, never drafts.
    The synthesis PDF only those who see the synthesis (WG and NHS P&I; not administrators)."""
    if getattr(obj, "kind", None) == SYNTHESIS_DOCUMENT_KIND and not _sees_synthesis_documents(p):
        return False
    if p.sees_all_organisations:
        return True
    return p.authenticated and obj.status == "issued" and p.is_member_of(obj.organisation_id)


def restrict_documents(queryset: QuerySet, user) -> QuerySet:
    """Documents the user may see (the query form of ``_document_visible``)."""
    p = principal(user)
    if not p.authenticated:
        return queryset.none()
    if not _sees_synthesis_documents(p):
        queryset = queryset.exclude(kind=SYNTHESIS_DOCUMENT_KIND)
    if p.sees_all_organisations:
        return queryset
    return queryset.filter(organisation__in=list(p.roles_by_organisation), status="issued")


# Models whose visibility is not simply "whoever sees its organisation".
VISIBILITY = {
    "reporting.uploadjob": lambda p, obj: p.authenticated and obj.created_by_id == p.user_id,
    "reporting.dailyvalue": lambda p, obj: p.authenticated,
    "reporting.pack": _pack_visible,
    "reporting.packvalue": _pack_visible,
    "reporting.pillarnarrative": _pack_visible,
    "reporting.packrisk": _pack_visible,
    "reporting.deepdivetopic": _pack_visible,
    "reporting.document": _document_visible,
    "meetings.meeting": _meeting_visible,
    "escalation.intelligenceitem": _intelligence_visible,
    "escalation.tripartiteround": _tripartite_round_visible,
}


def is_visible(user, obj) -> bool:
    """May the user see that this object exists? Register entries (``access_public = True``)
    are seen by every signed-in user; intelligence by WG, NHS P&I and the partners it is
    from or shared with; everything else by those who see its organisation."""
    if getattr(type(obj), "access_public", False):
        return principal(user).authenticated
    special = VISIBILITY.get(obj._meta.label_lower)
    if special is not None:
        return special(principal(user), obj)
    organisation_id = _organisation_id_of(obj)
    if organisation_id is None:
        return principal(user).sees_all_organisations
    return can_see_organisation(user, organisation_id)


def restrict_intelligence(queryset: QuerySet, user) -> QuerySet:
    """Intelligence items the user may see (the query form of ``_intelligence_visible``): all
    for WG and NHS P&I; for a tripartite partner, its own body's items and what WG has shared;
    none for an organisation's own users."""
    p = principal(user)
    if p.sees_all_organisations:
        return queryset
    if p.has_role(Role.TRIPARTITE_PARTNER):
        from django.db.models import Q

        return queryset.filter(Q(body_id__in=list(p.roles_by_organisation)) | Q(shared_with_partners=True))
    return queryset.none()


def restrict_tripartite_rounds(queryset: QuerySet, user) -> QuerySet:
    """Every round for WG and NHS P&I; for a tripartite partner, the rounds its body took part in."""
    p = principal(user)
    if p.sees_all_organisations:
        return queryset
    if p.has_role(Role.TRIPARTITE_PARTNER):
        return queryset.filter(participants__in=list(p.roles_by_organisation)).distinct()
    return queryset.none()


def get_visible_or_404(queryset: QuerySet, user, **lookup) -> Model:
    """The object, if it exists and the user may see it; otherwise 404 either way (and for a
    key that cannot name one, such as ``/organisations/x/``)."""
    try:
        return restrict(queryset, user).get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError, ValidationError) as exc:
        raise Http404("No such object, or it is not yours to see.") from exc


# --- What they may do --------------------------------------------------------------------


def _organisation_id_of(obj) -> int | None:
    if obj is None:
        return None
    path = getattr(type(obj), "access_organisation_field", None)
    if path == "pk":
        return obj.pk
    if not path:
        return None
    *through, last = path.split("__")
    for step in through:  # e.g. a plan's "case__organisation": the plan's case's organisation
        obj = getattr(obj, step, None)
        if obj is None:
            return None
    return getattr(obj, f"{last}_id", None)


def _sees(p: Principal, organisation_id: int | None) -> bool:
    if p.sees_all_organisations:
        return True
    return organisation_id is not None and p.is_member_of(organisation_id)


def _oversight_or_own_staff(p: Principal, obj) -> bool:
    """WG and NHS P&I, or the organisation's own submitters and executives."""
    return p.has_role(*ESCALATION_DRAFTERS) or p.has_role_in(
        _organisation_id_of(obj), Role.ORG_SUBMITTER, Role.ORG_EXECUTIVE
    )


Rule = Callable[[Principal, object], bool]

RULES: dict[str, Rule] = {
    # The register: names, codes, kinds and regions. Any signed-in user.
    "organisation.view_register": lambda p, obj: p.authenticated,
    # Members, office holders' contact details, change history.
    "organisation.view_private": lambda p, obj: _sees(p, _organisation_id_of(obj)),
    "organisation.change": lambda p, obj: p.has_role(Role.ADMINISTRATOR),
    "membership.view": lambda p, obj: _sees(p, _organisation_id_of(obj)),
    "membership.change": lambda p, obj: p.has_role(Role.ADMINISTRATOR),
    "attachment.view": lambda p, obj: _sees(p, _organisation_id_of(obj)) or _system_paper_visible(p, obj),
    "attachment.upload": lambda p, obj: p.authenticated and _sees(p, _organisation_id_of(obj)),
    "notification.view": lambda p, obj: p.authenticated and getattr(obj, "recipient_id", None) == p.user_id,
    "admin.site": lambda p, obj: p.has_role(Role.ADMINISTRATOR),
    # The access log of sensitive reads (who viewed or downloaded an organisation's unreleased
    # pack, unpublished letter or intelligence): administrators only; everyone else a 403.
    "audit.view_sensitive_reads": lambda p, obj: p.has_role(Role.ADMINISTRATOR),
    # Escalation. Who may decide which move is a framework rule (escalation.rules); here,
    # only who may take part at all.
    "escalation.view": lambda p, obj: _sees(p, _organisation_id_of(obj)),
    "escalation.draft": lambda p, obj: p.has_role(*ESCALATION_DRAFTERS),
    "escalation.recommend": lambda p, obj: p.has_role(*ESCALATION_DRAFTERS),
    "escalation.decide": lambda p, obj: p.has_role(Role.WG_OFFICIAL, Role.WG_DECISION_MAKER),
    "escalation.notify": lambda p, obj: p.has_role(*WG_ROLES),
    "escalation.case.open": lambda p, obj: p.has_role(Role.WG_OFFICIAL, Role.WG_DECISION_MAKER),
    "escalation.case.close": lambda p, obj: p.has_role(Role.WG_DECISION_MAKER),
    "escalation.criteria.manage": lambda p, obj: p.has_role(*ESCALATION_DRAFTERS),
    # Evidence against a criterion: WG and NHS P&I, and the organisation's own submitters and
    # executives, who are the ones with the evidence.
    "escalation.criteria.evidence": lambda p, obj: _oversight_or_own_staff(p, obj),
    # Anyone who sees an organisation may raise a concern about it; its own staff raising one
    # is a self-referral [002 §39]; HIW, Audit Wales and Llais may raise one about any body.
    "escalation.concern.raise": lambda p, obj: (
        _sees(p, _organisation_id_of(obj)) or p.has_role(Role.TRIPARTITE_PARTNER)
    ),
    "escalation.concern.triage": lambda p, obj: p.has_role(*ESCALATION_DRAFTERS),
    "escalation.request.send": lambda p, obj: p.has_role(*ESCALATION_DRAFTERS),
    "escalation.support.manage": lambda p, obj: p.has_role(*ESCALATION_DRAFTERS),
    # Tripartite partners add intelligence from their own body; WG and NHS P&I from anyone's.
    "escalation.intelligence.add": lambda p, obj: (
        p.has_role(*ESCALATION_DRAFTERS)
        or (p.has_role(Role.TRIPARTITE_PARTNER) and p.is_member_of(getattr(obj, "body_id", None)))
    ),
    "escalation.intelligence.share": lambda p, obj: p.has_role(*WG_ROLES),
    "escalation.tripartite.manage": lambda p, obj: p.has_role(*WG_ROLES),
    "escalation.request.answer": lambda p, obj: _oversight_or_own_staff(p, obj),
    # Meetings. Who sees a meeting: _meeting_visible. WG's secretariat and officials run
    # meetings; NHS P&I takes part; the organisations concerned submit papers and update
    # their own actions.
    "meetings.view": lambda p, obj: p.authenticated and (obj is None or _meeting_visible(p, obj)),
    "meetings.manage": lambda p, obj: p.has_role(*WG_ROLES),
    "meetings.paper.upload": lambda p, obj: (
        p.has_role(*WG_ROLES, Role.NHSPI_ANALYST) or (obj is not None and _organisation_staff_at_meeting(p, obj))
    ),
    "meetings.action.update": lambda p, obj: _oversight_or_own_staff(p, obj) or p.has_role(Role.WG_SECRETARIAT),
    "meetings.committee.manage": lambda p, obj: p.has_role(*WG_ROLES),
    # Performance packs. The organisation's submitters fill in and submit its pack; NHS P&I
    # analysts return, validate and release it, and curate the catalogue and trajectories.
    "reporting.pack.view": lambda p, obj: obj is None or _pack_visible(p, obj),
    "reporting.pack.edit": lambda p, obj: (
        p.has_role_in(_organisation_id_of(obj), Role.ORG_SUBMITTER) or p.has_role(Role.NHSPI_ANALYST)
    ),
    "reporting.pack.submit": lambda p, obj: p.has_role_in(_organisation_id_of(obj), Role.ORG_SUBMITTER),
    "reporting.pack.curate": lambda p, obj: p.has_role(Role.NHSPI_ANALYST),
    "reporting.catalogue.manage": lambda p, obj: p.has_role(Role.NHSPI_ANALYST, Role.ADMINISTRATOR),
    "reporting.analytics.run": lambda p, obj: p.has_role(Role.NHSPI_ANALYST, *WG_ROLES),
    # Uploading a file of values for many packs: each row is checked against reporting.pack.edit.
    "reporting.values.upload": lambda p, obj: p.has_role(Role.NHSPI_ANALYST, Role.ORG_SUBMITTER),
    # Suggested levels are advice to those who decide: WG and NHS P&I only.
    "reporting.suggestions.view": lambda p, obj: p.has_role(Role.NHSPI_ANALYST, *WG_ROLES),
    # Binding a de-escalation criterion to a measure, so that released data test it: NHS P&I
    # analysts, who curate the measures and release the data.
    "reporting.criteria.bind": lambda p, obj: p.has_role(Role.NHSPI_ANALYST),
    # Daily system values: the organisation's submitters for their own organisation (``obj``
    # is the organisation), NHS P&I analysts for any.
    "reporting.daily.submit": lambda p, obj: (
        p.has_role(Role.NHSPI_ANALYST) or p.has_role_in(_organisation_id_of(obj), Role.ORG_SUBMITTER)
    ),
    # Documents (letters and PDFs). Seen: _document_visible (the register, for ``obj`` None, is
    # open to every signed-in user and lists only what each may see). Drafted, edited and
    # re-issued by WG staff (the secretariat writes up meetings) and NHS P&I analysts;
    # approved by WG officials or decision makers (which of them for which letter is a
    # framework rule: reporting.rules), and an agenda pack also by the WG secretariat, a
    # performance pack PDF also by NHS P&I analysts (reporting.rules.COMPOSED_APPROVERS);
    # issued by any WG role.
    "reporting.document.view": lambda p, obj: p.authenticated and (obj is None or _document_visible(p, obj)),
    "reporting.document.draft": lambda p, obj: p.has_role(*WG_ROLES, Role.NHSPI_ANALYST),
    "reporting.document.approve": lambda p, obj: (
        p.has_role(Role.WG_OFFICIAL, Role.WG_DECISION_MAKER)
        or (getattr(obj, "kind", None) == "agenda_pack" and p.has_role(Role.WG_SECRETARIAT))
        or (getattr(obj, "kind", None) == "performance_pack" and p.has_role(Role.NHSPI_ANALYST))
    ),
    "reporting.document.issue": lambda p, obj: p.has_role(*WG_ROLES),
    # Batches of documents (e.g. a month's post-meeting letters). A batch holds drafts of many
    # organisations, so it is seen only by those who see every document (WG, NHS P&I,
    # administrators; anyone else gets a 404 for a batch). Created by those who draft
    # documents; "approve all" by WG officials and decision makers (each approval is still
    # the document's own, with its rules); issued by any WG role.
    "reporting.batch.view": lambda p, obj: p.sees_all_organisations,
    "reporting.batch.create": lambda p, obj: p.has_role(*WG_ROLES, Role.NHSPI_ANALYST),
    "reporting.batch.approve": lambda p, obj: p.has_role(Role.WG_OFFICIAL, Role.WG_DECISION_MAKER),
    "reporting.batch.issue": lambda p, obj: p.has_role(*WG_ROLES),
    # Publication: making a decision or document public (copying its public fields into the
    # public register), changing its public summary and withdrawing it. The public pages
    # themselves need no rule: they read only the public-register records.
    "reporting.publication.publish": lambda p, obj: p.has_role(Role.WG_OFFICIAL, Role.WG_DECISION_MAKER),
    # Plans and accountability. An organisation's plans, WG's response and its conditions, the
    # evidence and the required submissions are its private data: seen by those who see the
    # organisation (a partner body sees none, as with cases). WG and NHS P&I record plans, the
    # Minister's outcome, the response and its conditions, and judge the conditions; only the
    # organisation's own submitters and executives file evidence against its conditions; a
    # required submission is received from its own staff or recorded by WG and NHS P&I.
    "plans.view": lambda p, obj: p.authenticated and (obj is None or _sees(p, _organisation_id_of(obj))),
    "plans.plan.manage": lambda p, obj: p.has_role(*ESCALATION_DRAFTERS),
    "plans.condition.manage": lambda p, obj: p.has_role(*ESCALATION_DRAFTERS),
    "plans.condition.evidence": lambda p, obj: p.has_role_in(
        _organisation_id_of(obj), Role.ORG_SUBMITTER, Role.ORG_EXECUTIVE
    ),
    "plans.submission.receive": lambda p, obj: _oversight_or_own_staff(p, obj),
    # Accountability. An organisation's Chair objectives, flexibilities and Well-led
    # self-assessments are its private data: seen by those who see the organisation. Welsh
    # Government sets objectives with Chairs and grants flexibilities (officials and decision
    # makers); evidence of progress on an objective comes from WG or the organisation's own
    # staff. The self-assessment is the organisation's own (its submitters and executives);
    # NHS P&I analysts assess it. The monthly system synthesis is for WG and NHS P&I only
    # (everyone else gets a 404, list included); analysts edit and sign it off.
    "accountability.view": lambda p, obj: p.authenticated and (obj is None or _sees(p, _organisation_id_of(obj))),
    "accountability.objective.manage": lambda p, obj: p.has_role(Role.WG_OFFICIAL, Role.WG_DECISION_MAKER),
    "accountability.objective.evidence": lambda p, obj: (
        p.has_role(Role.WG_OFFICIAL, Role.WG_DECISION_MAKER)
        or p.has_role_in(_organisation_id_of(obj), Role.ORG_SUBMITTER, Role.ORG_EXECUTIVE)
    ),
    "accountability.flexibility.grant": lambda p, obj: p.has_role(Role.WG_OFFICIAL, Role.WG_DECISION_MAKER),
    "accountability.assessment.submit": lambda p, obj: p.has_role_in(
        _organisation_id_of(obj), Role.ORG_SUBMITTER, Role.ORG_EXECUTIVE
    ),
    "accountability.assessment.review": lambda p, obj: p.has_role(Role.NHSPI_ANALYST),
    "accountability.synthesis.view": lambda p, obj: p.has_role(*WG_ROLES, Role.NHSPI_ANALYST),
    "accountability.synthesis.edit": lambda p, obj: p.has_role(Role.NHSPI_ANALYST),
    "accountability.synthesis.signoff": lambda p, obj: p.has_role(Role.NHSPI_ANALYST),
}


def can(user, action: str, obj=None) -> bool:
    """May ``user`` perform ``action`` on ``obj``? Unknown actions are refused."""
    rule = RULES.get(action)
    if rule is None:
        raise KeyError(f"Unknown action {action!r}: add it to oversight.access.RULES")
    return bool(rule(principal(user), obj))


def permitted(queryset: QuerySet, user, action: str) -> QuerySet:
    """The objects of a small queryset (such as the register) on which the user may act."""
    return queryset.filter(pk__in=[obj.pk for obj in queryset if can(user, action, obj)])


def require(user, action: str, obj=None) -> None:
    """Raise unless the user may perform the action.

    An object the user may not even see is a 404 (no existence leak); an object they may
    see but not act on is a ``PermissionRefused`` (403).
    """
    if can(user, action, obj):
        return
    if obj is not None and not is_visible(user, obj):
        raise Http404("No such object, or it is not yours to see.")
    raise PermissionRefused("You do not have permission to do that.", code="permission_denied")


def standing(user, organisation) -> str:
    """In what capacity the user acts about an organisation: "member" (its own staff), "wg",
    "nhspi", or the kind of their partner body ("inspectorate", "auditor", "citizen_voice")."""
    p = principal(user)
    if p.is_member_of(organisation.pk):
        return "member"
    if p.has_role(*WG_ROLES):
        return "wg"
    if p.has_role(Role.NHSPI_ANALYST):
        return "nhspi"
    from organisations.models import Organisation

    kinds = set(Organisation.objects.filter(pk__in=list(p.roles_by_organisation)).values_list("kind", flat=True))
    for kind in ("inspectorate", "auditor", "citizen_voice"):
        if kind in kinds:
            return kind
    return "wg" if p.sees_all_organisations else "other"


def navigation_for(user) -> dict[str, bool]:
    """Which sections the layout's navigation shows to this user."""
    p = principal(user)
    return {
        "organisations": p.authenticated,
        "escalation": p.authenticated,
        "meetings": p.authenticated,
        "reporting": p.authenticated,
        "api": p.authenticated,
        "admin": p.has_role(Role.ADMINISTRATOR),
        "wg": p.has_role(*WG_ROLES),
        "analyst": p.has_role(Role.NHSPI_ANALYST),
        # WG and NHS P&I land on the system overview; others on the home page.
        "overview_home": p.has_role(*WG_ROLES, Role.NHSPI_ANALYST),
    }
