"""Meetings: meeting types and their cadence, committees with terms of reference, meetings
and their records (agenda, papers, attendance, declarations, decisions and votes, minutes,
actions) and private calendar feeds.

The rules these tables serve (cadence, deadlines, quorum, votes) live in ``meetings.rules``;
the writes in ``meetings.services``. Reference data (types, cadence policy) is loaded by
``meetings.reference.seed``.

Access. Every model names the path to its organisation in ``access_organisation_field``,
read by ``oversight.access``. Meetings with no organisation (system-wide, regional and
committee meetings) are seen by organisation users only through an invitation; such models
also name the path to the invited organisations in ``access_invited_organisations_field``
(see ``Meeting``).
"""

from __future__ import annotations

import secrets
from datetime import date, timedelta
from fractions import Fraction

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from escalation.choices import Level
from oversight.i18n import Bilingual
from oversight.models import BaseModel

from . import rules
from .choices import (
    HELD_STATUSES,
    OPEN_ACTION_STATUSES,
    UPCOMING_STATUSES,
    ActionStatus,
    AttendanceMark,
    CadenceRule,
    CastingVote,
    DecisionMethod,
    DecisionOutcome,
    MeetingScope,
    MeetingStatus,
    MembershipKind,
    PaperKind,
    PapersRule,
    QuorumCounts,
    TorKind,
    VoteChoice,
)

LEVEL_RANGE = Q(level__gte=1) & Q(level__lte=5)
USER = settings.AUTH_USER_MODEL
ORGANISATION = "organisations.Organisation"


# --- Reference data: meeting types and cadence ------------------------------------------------


class MeetingTypeQuerySet(models.QuerySet):
    def in_force(self, on: date) -> MeetingTypeQuerySet:
        """Types that may be held on ``on``: legacy types before 1 April 2026, the 2026 types after."""
        return self.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=on)).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=on)
        )


class MeetingType(BaseModel):
    """A kind of meeting [DOMAIN "Meetings"]: who holds it, how often, its lead times and
    whether a letter follows. Versioned by the dates it is in force: the legacy types of the
    2024 framework end on 31 March 2026, the 2026 types start on 1 April 2026 [001 §6, §11].

    Cadence:

    - ``fixed_interval``: every ``interval_months`` (a committee's own interval and an
      organisation's public accountability setting override the type's default);
    - ``fixed_months``: in the windows of ``months``, e.g. ``[[4, 5], [10, 11]]`` for JET;
    - ``level_driven``: by the organisation's driving level, from ``CadencePolicy`` (a level
      with no policy row has no meeting of this type);
    - ``on_demand``: arranged by hand, never planned.
    """

    code = models.SlugField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name (English)"), max_length=200)
    name_cy = models.CharField(_("name (Welsh)"), max_length=200, blank=True)
    purpose = models.TextField(_("purpose, in summary (English)"), blank=True)
    purpose_cy = models.TextField(_("purpose, in summary (Welsh)"), blank=True)
    participants = models.CharField(_("who takes part (English)"), max_length=300, blank=True)
    participants_cy = models.CharField(_("who takes part (Welsh)"), max_length=300, blank=True)
    chair_role = models.CharField(_("chaired by (English)"), max_length=200, blank=True)
    chair_role_cy = models.CharField(_("chaired by (Welsh)"), max_length=200, blank=True)
    scope = models.CharField(_("held with"), max_length=20, choices=MeetingScope.choices)
    default_duration_minutes = models.PositiveSmallIntegerField(
        _("usual length in minutes"), default=120, validators=[MinValueValidator(1)]
    )
    is_public = models.BooleanField(_("held in public"), default=False)
    cadence_rule = models.CharField(_("cadence"), max_length=20, choices=CadenceRule.choices)
    interval_months = models.PositiveSmallIntegerField(
        _("months between meetings"),
        null=True,
        blank=True,
        help_text=_("For a fixed interval only."),
    )
    months = models.JSONField(
        _("months of the year"),
        default=list,
        blank=True,
        help_text=_("For fixed months only: runs of consecutive months, e.g. [[4, 5], [10, 11]]."),
    )
    agenda_lead_days = models.PositiveSmallIntegerField(_("agenda issued, days before"), null=True, blank=True)
    slides_lead_days = models.PositiveSmallIntegerField(_("slides due, days before"), null=True, blank=True)
    agenda_items_lead_days = models.PositiveSmallIntegerField(_("agenda items due, days before"), null=True, blank=True)
    papers_rule = models.CharField(_("papers due"), max_length=20, choices=PapersRule.choices, blank=True)
    papers_lead_days = models.PositiveSmallIntegerField(
        _("papers due, days before"), null=True, blank=True, help_text=_("When papers are due a number of days before.")
    )
    letter_follows = models.BooleanField(_("a letter follows the meeting"), default=False)
    letter_lead_days = models.PositiveSmallIntegerField(
        _("letter due, days after"),
        null=True,
        blank=True,
        help_text=_("The sources set no deadline for the letter; empty means none is tracked."),
    )
    tor_kind = models.CharField(_("terms of reference"), max_length=20, choices=TorKind.choices, blank=True)
    tor_last_reviewed_on = models.DateField(_("terms of reference last reviewed on"), null=True, blank=True)
    valid_from = models.DateField(
        _("in force from"), null=True, blank=True, help_text=_("Empty: in use before the product's records begin.")
    )
    valid_to = models.DateField(_("in force until"), null=True, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    reference = models.CharField(_("source"), max_length=200, blank=True)

    display_name = Bilingual("name")
    display_purpose = Bilingual("purpose")
    display_participants = Bilingual("participants")
    display_chair_role = Bilingual("chair_role")
    history = HistoricalRecords()
    objects = MeetingTypeQuerySet.as_manager()

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("meeting type")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_from__isnull=True) | Q(valid_to__gte=F("valid_from")),
                name="meeting_type_dates_in_order",
            ),
            models.CheckConstraint(
                condition=~Q(cadence_rule=CadenceRule.FIXED_INTERVAL) | Q(interval_months__gte=1),
                name="meeting_type_fixed_interval_has_months",
            ),
            models.CheckConstraint(
                condition=Q(cadence_rule=CadenceRule.FIXED_INTERVAL) | Q(interval_months__isnull=True),
                name="meeting_type_interval_only_when_fixed",
            ),
            models.CheckConstraint(
                condition=~Q(papers_rule=PapersRule.DAYS) | Q(papers_lead_days__isnull=False),
                name="meeting_type_papers_days_given",
            ),
        ]

    def __str__(self):
        return self.display_name

    def clean(self):
        super().clean()
        if self.cadence_rule == CadenceRule.FIXED_MONTHS:
            try:
                if not self.windows:
                    raise ValueError
                rules.window_for(on=date(2000, 1, 1), windows=self.windows)
            except (TypeError, ValueError) as error:
                raise ValidationError(
                    {"months": _("Give runs of consecutive months within a year, e.g. [[4, 5], [10, 11]].")}
                ) from error
        elif self.months:
            raise ValidationError({"months": _("Months of the year are only for a meeting held in fixed months.")})

    def in_force_on(self, day: date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (self.valid_to is None or day <= self.valid_to)

    @property
    def windows(self) -> tuple[tuple[int, ...], ...]:
        """``months`` in the form ``rules.window_for`` and ``rules.next_in_fixed_months`` take."""
        return tuple(tuple(run) for run in self.months or ())

    @property
    def tor_review_due_on(self) -> date | None:
        if not self.tor_kind or self.tor_last_reviewed_on is None:
            return None
        return rules.tor_review_due(self.tor_last_reviewed_on, self.tor_kind)


class CadencePolicyQuerySet(models.QuerySet):
    def table(self, meeting_type: MeetingType, *, on: date) -> dict[int, int]:
        """Months between meetings by level, as in force on ``on``: for each level, the row
        with the latest ``valid_from`` not after ``on``. The mapping ``rules.review_interval``
        takes as its ``policy``."""
        found: dict[int, int] = {}
        rows = self.filter(meeting_type=meeting_type, valid_from__lte=on).order_by("level", "valid_from")
        for level, interval in rows.values_list("level", "interval_months"):
            found[level] = interval  # later rows overwrite earlier ones
        return found


class CadencePolicy(BaseModel):
    """How often a level-driven meeting type is held at each level, versioned by date.

    The CEO/Executive Review table is 001 §6.3; the Whole Board meeting's interval at
    level 5 has no source and is a default to edit.
    """

    meeting_type = models.ForeignKey(
        MeetingType, verbose_name=_("meeting type"), on_delete=models.CASCADE, related_name="cadence_policies"
    )
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    interval_months = models.PositiveSmallIntegerField(_("months between meetings"), validators=[MinValueValidator(1)])
    valid_from = models.DateField(_("applies from"))
    reference = models.CharField(_("source"), max_length=200, blank=True)

    history = HistoricalRecords()
    objects = CadencePolicyQuerySet.as_manager()

    class Meta:
        ordering = ["meeting_type__order", "-level", "-valid_from"]
        verbose_name = _("cadence policy")
        verbose_name_plural = _("cadence policies")
        constraints = [
            models.UniqueConstraint(fields=["meeting_type", "level", "valid_from"], name="cadence_policy_unique"),
            models.CheckConstraint(condition=LEVEL_RANGE, name="cadence_policy_level_range"),
            models.CheckConstraint(condition=Q(interval_months__gte=1), name="cadence_policy_interval_positive"),
        ]

    def __str__(self):
        return f"{self.meeting_type}: level {self.level}, every {self.interval_months} month(s) from {self.valid_from}"


class PublicAccountabilitySetting(BaseModel):
    """How many Public Accountability Meetings an organisation holds a year: once or twice
    [001 §6.1]. An organisation with no row holds one a year (the planner's default; the
    framework's light-touch default at level 1 is annual [001 §6.3])."""

    organisation = models.OneToOneField(
        ORGANISATION,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="public_accountability_setting",
    )
    meetings_per_year = models.PositiveSmallIntegerField(
        _("meetings a year"), choices=[(1, _("Once a year")), (2, _("Twice a year"))], default=1
    )
    note = models.CharField(_("note"), max_length=300, blank=True)

    history = HistoricalRecords()
    access_organisation_field = "organisation"

    class Meta:
        ordering = ["organisation__name"]
        verbose_name = _("public accountability setting")
        constraints = [
            models.CheckConstraint(
                condition=Q(meetings_per_year__in=[1, 2]), name="public_accountability_once_or_twice_a_year"
            ),
        ]

    def __str__(self):
        return f"{self.organisation}: {self.get_meetings_per_year_display()}"

    @property
    def interval_months(self) -> int:
        return 12 // self.meetings_per_year


# --- Committees with terms of reference ---------------------------------------------------------


class Committee(BaseModel):
    """A group run under its own terms of reference, e.g. a Pan Cluster Planning Group [003].

    Its quorum is a minimum number and/or a share of the core membership, counting core
    organisations or core members (``rules.QuorumRule``) [003 §6]; the chair and vice-chair
    are reviewed annually and the chair is expected to rotate every two years [003 §3]; the
    terms of reference are reviewed annually [003 §8].
    """

    name = models.CharField(_("name (English)"), max_length=200, unique=True)
    name_cy = models.CharField(_("name (Welsh)"), max_length=200, blank=True)
    meeting_type = models.ForeignKey(
        MeetingType, verbose_name=_("meeting type"), on_delete=models.PROTECT, related_name="committees"
    )
    host_organisation = models.ForeignKey(
        ORGANISATION,
        verbose_name=_("sub-group of"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="committees",
        help_text=_("The body the committee reports to or is a sub-group of, if any."),
    )
    purpose = models.TextField(_("purpose (English)"), blank=True)
    purpose_cy = models.TextField(_("purpose (Welsh)"), blank=True)
    reports_to = models.CharField(_("reports to"), max_length=300, blank=True)
    quorum_minimum = models.PositiveSmallIntegerField(
        _("quorum: at least this many"), default=0, help_text=_("0 when the quorum is a share only.")
    )
    quorum_fraction_numerator = models.PositiveSmallIntegerField(_("quorum share: numerator"), null=True, blank=True)
    quorum_fraction_denominator = models.PositiveSmallIntegerField(
        _("quorum share: denominator"), null=True, blank=True
    )
    quorum_counts = models.CharField(
        _("quorum counts"), max_length=20, choices=QuorumCounts.choices, default=QuorumCounts.ORGANISATIONS
    )
    voting_rule = models.TextField(
        _("voting rule"),
        blank=True,
        help_text=_("As written in the terms of reference; the product counts one vote per core organisation."),
    )
    interval_months = models.PositiveSmallIntegerField(
        _("months between meetings"),
        default=rules.FIXED_INTERVAL_MONTHS["committee"],
        validators=[MinValueValidator(1)],
    )
    usual_meeting_day = models.CharField(_("usual day of the month"), max_length=100, blank=True)
    tor_kind = models.CharField(
        _("terms of reference"), max_length=20, choices=TorKind.choices, default=TorKind.COMMITTEE
    )
    tor_last_reviewed_on = models.DateField(_("terms of reference last reviewed on"), null=True, blank=True)
    chair = models.CharField(_("chair"), max_length=200, blank=True)
    chair_organisation = models.ForeignKey(
        ORGANISATION,
        verbose_name=_("chair's organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    chair_rotates_on = models.DateField(_("chair rotates on"), null=True, blank=True)
    vice_chair = models.CharField(_("vice-chair"), max_length=200, blank=True)
    vice_chair_organisation = models.ForeignKey(
        ORGANISATION,
        verbose_name=_("vice-chair's organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    vice_chair_rotates_on = models.DateField(_("vice-chair rotates on"), null=True, blank=True)
    active = models.BooleanField(_("active"), default=True)

    display_name = Bilingual("name")
    display_purpose = Bilingual("purpose")
    history = HistoricalRecords()
    # Seen by those who see the host organisation; the access policy should also show a
    # committee to its member organisations (``members__organisation``).
    access_organisation_field = "host_organisation"
    access_invited_organisations_field = "members__organisation"

    class Meta:
        ordering = ["name"]
        verbose_name = _("committee")
        constraints = [
            models.CheckConstraint(
                condition=(Q(quorum_fraction_numerator__isnull=True) & Q(quorum_fraction_denominator__isnull=True))
                | (
                    Q(quorum_fraction_numerator__gte=1)
                    & Q(quorum_fraction_denominator__gte=1)
                    & Q(quorum_fraction_numerator__lte=F("quorum_fraction_denominator"))
                ),
                name="committee_quorum_fraction_valid",
            ),
            models.CheckConstraint(
                condition=Q(quorum_minimum__gte=1) | Q(quorum_fraction_numerator__isnull=False),
                name="committee_quorum_given",
            ),
            models.CheckConstraint(condition=Q(interval_months__gte=1), name="committee_interval_positive"),
        ]

    def __str__(self):
        return self.display_name

    @property
    def quorum_fraction(self) -> Fraction | None:
        if self.quorum_fraction_numerator is None or self.quorum_fraction_denominator is None:
            return None
        return Fraction(self.quorum_fraction_numerator, self.quorum_fraction_denominator)

    @property
    def quorum_rule(self) -> rules.QuorumRule:
        """The plain value ``rules.quorum_met`` takes."""
        return rules.QuorumRule(minimum=self.quorum_minimum, fraction=self.quorum_fraction, counts=self.quorum_counts)

    @property
    def tor_review_due_on(self) -> date | None:
        if self.tor_last_reviewed_on is None:
            return None
        return rules.tor_review_due(self.tor_last_reviewed_on, self.tor_kind)


class CommitteeMember(BaseModel):
    """A seat on a committee: an organisation and a role, its named representative and the
    alternate who attends in their absence [003 §3]. Core members count towards the quorum
    and vote (one vote per core organisation); attendees do neither [003 §6]. The person in
    a seat changes over time (history keeps who held it); the seat itself stays."""

    committee = models.ForeignKey(
        Committee, verbose_name=_("committee"), on_delete=models.CASCADE, related_name="members"
    )
    organisation = models.ForeignKey(
        ORGANISATION, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="committee_seats"
    )
    role = models.CharField(_("role"), max_length=200)
    kind = models.CharField(_("membership"), max_length=10, choices=MembershipKind.choices, default=MembershipKind.CORE)
    representative = models.ForeignKey(
        USER,
        verbose_name=_("named representative"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="committee_seats",
    )
    representative_name = models.CharField(_("named representative (if not a user)"), max_length=200, blank=True)
    alternate = models.ForeignKey(
        USER,
        verbose_name=_("alternate"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="committee_alternate_seats",
    )
    alternate_name = models.CharField(_("alternate (if not a user)"), max_length=200, blank=True)
    confirmed_on = models.DateField(
        _("willingness to continue confirmed on"),
        null=True,
        blank=True,
        help_text=_("Members confirm each year that they will continue [003 §3]."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    history = HistoricalRecords()
    access_organisation_field = "committee__host_organisation"
    access_invited_organisations_field = "committee__members__organisation"

    class Meta:
        ordering = ["committee", "kind", "order", "organisation__name", "role"]
        verbose_name = _("committee member")
        constraints = [
            models.UniqueConstraint(fields=["committee", "organisation", "role"], name="committee_member_unique_seat"),
        ]

    def __str__(self):
        return f"{self.committee}: {self.role}, {self.organisation} ({self.get_kind_display()})"

    @property
    def representative_display(self) -> str:
        return _person_name(self.representative, self.representative_name)

    @property
    def alternate_display(self) -> str:
        return _person_name(self.alternate, self.alternate_name)


def _person_name(user, name: str) -> str:
    if user is not None:
        return user.get_full_name() or user.get_username()
    return name


# --- Meetings --------------------------------------------------------------------------------


class MeetingQuerySet(models.QuerySet):
    def upcoming(self) -> MeetingQuerySet:
        return self.filter(status__in=UPCOMING_STATUSES)

    def held(self) -> MeetingQuerySet:
        return self.filter(status__in=HELD_STATUSES)


# Years 1900-2999: every month the product plans or lists, with room for the arithmetic
# (the month before and after) that a year 0001 or 9999 would break.
PLAN_PERIOD = RegexValidator(r"^(19|2\d)\d{2}-(0[1-9]|1[0-2])$", _("Give the month as YYYY-MM."))


class Meeting(BaseModel):
    """One meeting: its type, who it is with, when, and where it is in its life.

    **With whom.** An organisation meeting (a review, a Whole Board or public accountability
    meeting, a JET) has ``organisation``; a regional meeting has ``region``; a committee
    meeting has ``committee``; a system-wide meeting (the WG–NHS P&I Oversight Meeting, the
    tripartite meeting) has none of these, and a tripartite meeting points at its
    ``tripartite_round`` in the escalation app.

    **The planner's slots.** The planner keeps one upcoming meeting for each slot it plans,
    named by ``plan_key``, which must say the type and with whom: ``review:<org code>``,
    ``whole_board:<org code>``, ``public_accountability:<org code>``, ``regional:<region
    code>``, ``tripartite``, ``committee:<id>``, or, for a meeting planned for a given month,
    the month too (``oversight:2026-12``). Two constraints back it, so a second or
    concurrent run cannot duplicate a meeting:

    - ``meeting_one_upcoming_per_plan_key``: at most one not-yet-held, not-cancelled meeting
      per ``plan_key`` (once it is held or cancelled, the next one may be planned);
    - ``meeting_one_per_type_and_period``: at most one live (not cancelled) system meeting
      of a type for a month (``plan_period``, ``YYYY-MM``), whatever its status, so a month
      already held is never planned again.

    Meetings made by hand leave ``plan_key`` and ``plan_period`` blank.

    **Access** (for ``oversight.access``, which the Foundation owns):
    ``access_organisation_field = "organisation"`` gives organisation meetings to those who
    see that organisation, and WG and NHS P&I roles see every meeting. A meeting with no
    organisation (system, regional, committee) is otherwise seen only by the users of the
    organisations it invites (``invited_organisations``, through ``MeetingInvitation``, named
    in ``access_invited_organisations_field``). So the policy should read, for a user who
    does not see every organisation, with ``ids`` the organisations they belong to:
    ``Q(organisation__in=ids) | Q(invited_organisations__in=ids)`` (with ``.distinct()``),
    and for one object, "sees ``organisation``, or belongs to an invited organisation". An
    invitation to an organisation meeting adds a second organisation (e.g. a partner). The
    meeting's children (agenda items, papers, attendance, declarations, decisions, votes,
    minutes) follow their meeting through ``meeting__organisation`` and
    ``meeting__invited_organisations``; an action belongs to its own organisation.
    """

    meeting_type = models.ForeignKey(
        MeetingType, verbose_name=_("meeting type"), on_delete=models.PROTECT, related_name="meetings"
    )
    organisation = models.ForeignKey(
        ORGANISATION,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meetings",
    )
    region = models.ForeignKey(
        "organisations.Region",
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meetings",
    )
    committee = models.ForeignKey(
        Committee,
        verbose_name=_("committee"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meetings",
    )
    tripartite_round = models.ForeignKey(
        "escalation.TripartiteRound",
        verbose_name=_("tripartite round"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meetings",
    )
    invited_organisations = models.ManyToManyField(
        ORGANISATION,
        through="MeetingInvitation",
        verbose_name=_("invited organisations"),
        related_name="meeting_invitations",
        blank=True,
    )
    title = models.CharField(_("title"), max_length=300)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    online_link = models.URLField(_("online meeting link"), max_length=500, blank=True)
    location = models.CharField(_("location"), max_length=300, blank=True)
    chair = models.CharField(_("chair"), max_length=200, blank=True)
    secretariat = models.ForeignKey(
        USER,
        verbose_name=_("secretariat"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meetings_as_secretariat",
    )
    status = models.CharField(_("status"), max_length=20, choices=MeetingStatus.choices, default=MeetingStatus.PLANNED)
    cancelled_reason = models.TextField(_("why it was cancelled"), blank=True)
    held_on = models.DateField(_("held on"), null=True, blank=True)
    plan_key = models.CharField(
        _("planner slot"),
        max_length=100,
        blank=True,
        help_text=_("Set by the planner, e.g. review:CAVUHB or oversight:2026-12; blank for meetings made by hand."),
    )
    plan_period = models.CharField(
        _("planned for month"),
        max_length=7,
        blank=True,
        validators=[PLAN_PERIOD],
        help_text=_("For a system meeting planned once a month: YYYY-MM."),
    )
    planned_for_level = models.PositiveSmallIntegerField(
        _("planned for level"),
        null=True,
        blank=True,
        help_text=_("The driving level the planner last planned this meeting for; a change of level moves it."),
    )
    letter_draft = models.TextField(
        _("draft letter"),
        blank=True,
        help_text=_("Drafted from the minutes' key points and actions; the Documents capability makes the PDF."),
    )

    history = HistoricalRecords()
    objects = MeetingQuerySet.as_manager()
    access_organisation_field = "organisation"
    access_invited_organisations_field = "invited_organisations"

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("meeting")
        indexes = [
            models.Index(fields=["meeting_type", "organisation", "status", "starts_at"], name="meeting_planner_by_org"),
            models.Index(fields=["meeting_type", "region", "status", "starts_at"], name="meeting_planner_by_region"),
            models.Index(fields=["status", "starts_at"], name="meeting_status_starts"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["plan_key"],
                condition=~Q(plan_key="") & Q(status__in=UPCOMING_STATUSES),
                name="meeting_one_upcoming_per_plan_key",
            ),
            models.UniqueConstraint(
                fields=["meeting_type", "plan_period"],
                condition=~Q(plan_period="") & ~Q(status=MeetingStatus.CANCELLED),
                name="meeting_one_per_type_and_period",
            ),
            models.CheckConstraint(
                condition=Q(plan_period="") | (Q(organisation__isnull=True) & Q(region__isnull=True)),
                name="meeting_period_only_for_system_meetings",
            ),
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="meeting_ends_after_it_starts"),
            models.CheckConstraint(
                condition=~Q(status=MeetingStatus.CANCELLED) | ~Q(cancelled_reason=""),
                name="meeting_cancelled_has_reason",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=HELD_STATUSES) | Q(held_on__isnull=False),
                name="meeting_held_has_date",
            ),
            models.CheckConstraint(
                condition=Q(organisation__isnull=True) | Q(region__isnull=True),
                name="meeting_organisation_or_region",
            ),
        ]

    def __str__(self):
        return f"{self.title} ({self.meeting_on:%d/%m/%Y})"

    def get_absolute_url(self):
        return reverse("meetings:meeting-detail", args=[self.pk])

    @property
    def meeting_on(self) -> date:
        """The meeting's date in the local time zone (Europe/London)."""
        return timezone.localdate(self.starts_at)

    @property
    def is_upcoming(self) -> bool:
        return self.status in UPCOMING_STATUSES

    @property
    def is_movable(self) -> bool:
        """Only a meeting still "planned" moves when the level changes [ARCHITECTURE]."""
        return self.status in rules.MOVABLE_STATUSES

    @property
    def agenda_due_on(self) -> date | None:
        """When the agenda goes out: the type's agenda lead time before the meeting [000 §12]."""
        days = self.meeting_type.agenda_lead_days
        return None if days is None else rules.agenda_due(self.meeting_on, days)

    @property
    def slides_due_on(self) -> date | None:
        """When the organisation's slides are due [000 §12]."""
        days = self.meeting_type.slides_lead_days
        return None if days is None else rules.slides_due(self.meeting_on, days)

    @property
    def agenda_items_due_on(self) -> date | None:
        """When agenda items are to be submitted [003 §5]."""
        days = self.meeting_type.agenda_items_lead_days
        return None if days is None else rules.agenda_items_due(self.meeting_on, days)

    @property
    def papers_due_on(self) -> date | None:
        """When papers are due: the Friday preceding the meeting [003 §5], or a number of days
        before it, as the type says; None when the type sets no papers deadline."""
        meeting_type = self.meeting_type
        if meeting_type.papers_rule == PapersRule.FRIDAY_BEFORE:
            return rules.papers_due(self.meeting_on)
        if meeting_type.papers_rule == PapersRule.DAYS and meeting_type.papers_lead_days is not None:
            return rules.slides_due(self.meeting_on, meeting_type.papers_lead_days)
        return None

    @property
    def letter_due_on(self) -> date | None:
        """When the post-meeting letter is due, if the type follows a meeting with a letter and
        sets a deadline (the sources set none), counted from the day the meeting was held."""
        meeting_type = self.meeting_type
        if not meeting_type.letter_follows or meeting_type.letter_lead_days is None:
            return None
        return (self.held_on or self.meeting_on) + timedelta(days=meeting_type.letter_lead_days)

    def due_on_for(self, kind: str) -> date | None:
        """The deadline a paper of ``kind`` is judged against: slides by the slides deadline
        (falling back to the papers deadline), the rest by the papers deadline (falling back
        to the slides deadline, which for JET is the only one the organisation has)."""
        if kind == PaperKind.SLIDES:
            return self.slides_due_on or self.papers_due_on
        return self.papers_due_on or self.slides_due_on


class MeetingInvitation(BaseModel):
    """An organisation invited to a meeting: its users may then see the meeting and its
    papers (see ``Meeting``). System, regional and committee meetings reach organisation
    users only this way."""

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="invitations"
    )
    organisation = models.ForeignKey(
        ORGANISATION, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="+"
    )

    history = HistoricalRecords()
    access_organisation_field = "organisation"

    class Meta:
        ordering = ["meeting", "organisation__name"]
        verbose_name = _("meeting invitation")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "organisation"], name="meeting_invitation_once"),
        ]

    def __str__(self):
        return f"{self.organisation} – {self.meeting}"


class MeetingChild(BaseModel):
    """A record belonging to one meeting, seen by whoever sees the meeting."""

    access_organisation_field = "meeting__organisation"
    access_invited_organisations_field = "meeting__invited_organisations"

    class Meta:
        abstract = True


class AgendaItem(MeetingChild):
    """An item on a meeting's agenda, linked to a case, domain or organisation where relevant.

    On a system meeting, an item about one organisation (``organisation`` set) should be
    shown to that organisation's users only, not to every invited organisation."""

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="agenda_items"
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    title = models.CharField(_("title (English)"), max_length=300)
    title_cy = models.CharField(_("title (Welsh)"), max_length=300, blank=True)
    description = models.TextField(_("description"), blank=True)
    case = models.ForeignKey(
        "escalation.EscalationCase",
        verbose_name=_("case"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agenda_items",
    )
    domain = models.ForeignKey(
        "escalation.Domain",
        verbose_name=_("domain or pillar"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    organisation = models.ForeignKey(
        ORGANISATION, verbose_name=_("organisation"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    presenter = models.CharField(_("presented by"), max_length=200, blank=True)
    submitted_by = models.ForeignKey(
        USER, verbose_name=_("submitted by"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    submitted_on = models.DateField(_("submitted on"), null=True, blank=True)

    display_title = Bilingual("title")
    history = HistoricalRecords()

    class Meta:
        ordering = ["meeting", "order", "pk"]
        verbose_name = _("agenda item")

    def __str__(self):
        return f"{self.order}. {self.display_title}"


class Paper(MeetingChild):
    """A paper for a meeting, its file uploaded through ``oversight.services.attachment_create``.

    ``late`` is decided once, when it is submitted, by ``rules.is_late`` against ``due_on``,
    and stored, so a later change of the meeting's date does not rewrite the record."""

    meeting = models.ForeignKey(Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="papers")
    agenda_item = models.ForeignKey(
        AgendaItem,
        verbose_name=_("agenda item"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="papers",
    )
    attachment = models.OneToOneField(
        "oversight.Attachment", verbose_name=_("file"), on_delete=models.PROTECT, related_name="meeting_paper"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=PaperKind.choices, default=PaperKind.PAPER)
    title = models.CharField(_("title"), max_length=300, blank=True)
    submitted_by = models.ForeignKey(USER, verbose_name=_("submitted by"), on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(_("submitted"), default=timezone.now)
    due_on = models.DateField(_("due on"), null=True, blank=True)
    late = models.BooleanField(_("submitted late"), default=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["meeting", "agenda_item__order", "submitted_at"]
        verbose_name = _("paper")
        constraints = [
            models.CheckConstraint(condition=Q(late=False) | Q(due_on__isnull=False), name="paper_late_has_due_date"),
        ]

    def __str__(self):
        return self.title or str(self.attachment)

    @staticmethod
    def is_late(submitted_at, due_on: date | None) -> bool:
        """Late when submitted (local date) after its due date; on the day is on time."""
        if due_on is None:
            return False
        return rules.is_late(timezone.localdate(submitted_at), due_on)


class Attendance(MeetingChild):
    """One seat at a meeting and how it was filled: a core member or an attendee, present,
    apologies, deputy (their alternate came; ``deputy_for`` names the member) or absent.
    Only core members or their deputies count towards a quorum [003 §3, §6]."""

    meeting = models.ForeignKey(Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="attendance")
    committee_member = models.ForeignKey(
        CommitteeMember,
        verbose_name=_("committee seat"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="attendance",
    )
    person = models.ForeignKey(
        USER, verbose_name=_("person"), on_delete=models.PROTECT, null=True, blank=True, related_name="attendance"
    )
    name = models.CharField(_("name (if not a user)"), max_length=200, blank=True)
    organisation = models.ForeignKey(
        ORGANISATION, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("membership"), max_length=10, choices=MembershipKind.choices, default=MembershipKind.CORE)
    mark = models.CharField(
        _("attendance"), max_length=10, choices=AttendanceMark.choices, default=AttendanceMark.PRESENT
    )
    deputy_for = models.CharField(_("deputising for"), max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["meeting", "kind", "organisation__name", "name"]
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "person"], condition=Q(person__isnull=False), name="attendance_once_per_person"
            ),
            models.CheckConstraint(condition=Q(person__isnull=False) | ~Q(name=""), name="attendance_names_someone"),
            models.CheckConstraint(
                condition=~Q(mark=AttendanceMark.DEPUTY) | ~Q(deputy_for=""), name="attendance_deputy_names_member"
            ),
        ]

    def __str__(self):
        return f"{self.display_name}, {self.organisation}: {self.get_mark_display()}"

    @property
    def display_name(self) -> str:
        return _person_name(self.person, self.name)

    def as_rules(self) -> rules.Attendance:
        return rules.Attendance(organisation=str(self.organisation_id), membership=self.kind, mark=self.mark)


class DeclarationOfInterest(MeetingChild):
    """An interest declared before a meeting [003 §4]. A person's register is every
    declaration they have made (``person.declarations_of_interest``)."""

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="declarations"
    )
    person = models.ForeignKey(
        USER, verbose_name=_("person"), on_delete=models.PROTECT, related_name="declarations_of_interest"
    )
    declared_on = models.DateField(_("declared on"))
    interest = models.TextField(_("interest declared"))
    agenda_item = models.ForeignKey(
        AgendaItem,
        verbose_name=_("agenda item"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="declarations",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["-declared_on", "pk"]
        verbose_name = _("declaration of interest")
        verbose_name_plural = _("declarations of interest")
        constraints = [
            models.CheckConstraint(condition=~Q(interest=""), name="declaration_states_interest"),
        ]

    def __str__(self):
        return f"{_person_name(self.person, '')}, {self.declared_on}: {self.interest[:60]}"


class MeetingDecision(MeetingChild):
    """A decision taken at a meeting: by consensus (the default) or, when needed, by a vote
    of one per core organisation, a tie going to the chair's casting vote [003 §6]."""

    meeting = models.ForeignKey(Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="decisions")
    agenda_item = models.ForeignKey(
        AgendaItem,
        verbose_name=_("agenda item"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="decisions",
    )
    text = models.TextField(_("decision"))
    method = models.CharField(
        _("decided"), max_length=20, choices=DecisionMethod.choices, default=DecisionMethod.CONSENSUS
    )
    outcome = models.CharField(_("outcome"), max_length=20, choices=DecisionOutcome.choices, blank=True)
    casting_vote = models.CharField(_("chair's casting vote"), max_length=10, choices=CastingVote.choices, blank=True)
    casting_vote_decided = models.BooleanField(_("decided by the chair's casting vote"), default=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["meeting", "pk"]
        verbose_name = _("meeting decision")
        constraints = [
            models.CheckConstraint(
                condition=Q(method=DecisionMethod.VOTE) | (Q(casting_vote="") & Q(casting_vote_decided=False)),
                name="decision_casting_vote_only_on_a_vote",
            ),
            models.CheckConstraint(
                condition=Q(casting_vote_decided=False) | ~Q(casting_vote=""),
                name="decision_casting_vote_recorded",
            ),
            models.CheckConstraint(
                condition=~Q(method=DecisionMethod.CONSENSUS)
                | Q(outcome__in=["", DecisionOutcome.AGREED, DecisionOutcome.DEFERRED]),
                name="decision_consensus_outcome",
            ),
            models.CheckConstraint(
                condition=~Q(method=DecisionMethod.VOTE) | ~Q(outcome=DecisionOutcome.AGREED),
                name="decision_vote_outcome",
            ),
        ]

    def __str__(self):
        return self.text[:80]


class Vote(BaseModel):
    """One person's vote on a decision, for their organisation. The count is by organisation:
    members of one organisation voting alike count once [003 §6]."""

    decision = models.ForeignKey(
        MeetingDecision, verbose_name=_("decision"), on_delete=models.CASCADE, related_name="votes"
    )
    organisation = models.ForeignKey(
        ORGANISATION, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="+"
    )
    person = models.ForeignKey(USER, verbose_name=_("person"), on_delete=models.PROTECT, related_name="+")
    choice = models.CharField(_("vote"), max_length=10, choices=VoteChoice.choices)

    history = HistoricalRecords()
    access_organisation_field = "decision__meeting__organisation"
    access_invited_organisations_field = "decision__meeting__invited_organisations"

    class Meta:
        ordering = ["decision", "organisation__name", "pk"]
        verbose_name = _("vote")
        constraints = [
            models.UniqueConstraint(fields=["decision", "person"], name="vote_once_per_person"),
        ]

    def __str__(self):
        return f"{_person_name(self.person, '')} ({self.organisation}): {self.get_choice_display()}"


class Minutes(MeetingChild):
    """The combined minutes and actions of a meeting, drafted after it and approved at a later
    meeting of the same body [003 §5]. The approval shows on both meetings: here as
    ``approved_at_meeting`` and on the approving meeting as ``approved_minutes``."""

    meeting = models.OneToOneField(Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="minutes")
    key_points = models.TextField(_("key points"), blank=True)
    body = models.TextField(_("minutes"), blank=True)
    drafted_by = models.ForeignKey(
        USER, verbose_name=_("drafted by"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    drafted_on = models.DateField(_("drafted on"), null=True, blank=True)
    circulated_on = models.DateField(_("draft circulated on"), null=True, blank=True)
    approved_at_meeting = models.ForeignKey(
        Meeting,
        verbose_name=_("approved at"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="approved_minutes",
    )
    approved_on = models.DateField(_("approved on"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["meeting__starts_at"]
        verbose_name = _("minutes")
        verbose_name_plural = _("minutes")
        constraints = [
            models.CheckConstraint(
                condition=~Q(approved_at_meeting=F("meeting")), name="minutes_approved_at_a_later_meeting"
            ),
            models.CheckConstraint(
                condition=Q(approved_at_meeting__isnull=True) | Q(approved_on__isnull=False),
                name="minutes_approval_dated",
            ),
        ]

    def __str__(self):
        return str(_("Minutes: %(meeting)s") % {"meeting": self.meeting})

    @property
    def approved(self) -> bool:
        return self.approved_at_meeting_id is not None


class Action(BaseModel):
    """An action from a meeting: an owner, the organisation it falls to, a due date and a
    status, linked back to the meeting and, where relevant, the case."""

    meeting = models.ForeignKey(Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="actions")
    agenda_item = models.ForeignKey(
        AgendaItem,
        verbose_name=_("agenda item"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="actions",
    )
    case = models.ForeignKey(
        "escalation.EscalationCase",
        verbose_name=_("case"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meeting_actions",
    )
    title = models.CharField(_("action"), max_length=300)
    notes = models.TextField(_("notes"), blank=True)
    owner = models.ForeignKey(
        USER, verbose_name=_("owner"), on_delete=models.PROTECT, null=True, blank=True, related_name="meeting_actions"
    )
    owner_name = models.CharField(_("owner (if not a user)"), max_length=200, blank=True)
    organisation = models.ForeignKey(
        ORGANISATION, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="meeting_actions"
    )
    due_on = models.DateField(_("due on"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=ActionStatus.choices, default=ActionStatus.OPEN)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)

    history = HistoricalRecords()
    access_organisation_field = "organisation"

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("action")
        indexes = [models.Index(fields=["status", "due_on"], name="action_status_due")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=ActionStatus.DONE) | Q(completed_on__isnull=False), name="action_done_has_date"
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def owner_display(self) -> str:
        return _person_name(self.owner, self.owner_name)

    def is_overdue(self, today: date) -> bool:
        return self.status in OPEN_ACTION_STATUSES and self.due_on is not None and today > self.due_on


def new_feed_token() -> str:
    return secrets.token_urlsafe(32)


class CalendarFeed(BaseModel):
    """A user's private calendar subscription, at a secret URL that can be revoked. It lists
    only the meetings the user may see. The token is kept out of history."""

    user = models.OneToOneField(USER, verbose_name=_("user"), on_delete=models.CASCADE, related_name="calendar_feed")
    token = models.CharField(_("token"), max_length=64, unique=True, default=new_feed_token, editable=False)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    history = HistoricalRecords(excluded_fields=["token"])

    class Meta:
        ordering = ["user"]
        verbose_name = _("calendar feed")

    def __str__(self):
        return str(_("Calendar feed for %(user)s") % {"user": self.user})

    @property
    def active(self) -> bool:
        return self.revoked_at is None
