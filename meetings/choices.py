"""The meetings app's fixed lists. Values that ``meetings.rules`` also names are spelled the
same here (statuses, membership kinds, attendance marks, votes, terms-of-reference kinds),
and ``tests/meetings/test_models.py`` checks that they stay in step."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class MeetingStatus(models.TextChoices):
    """A meeting's life: planned → confirmed → agenda issued → papers issued → held →
    minuted → closed, or cancelled with a reason (``rules.STATUSES``)."""

    PLANNED = "planned", _("Planned")
    CONFIRMED = "confirmed", _("Confirmed")
    AGENDA_ISSUED = "agenda_issued", _("Agenda issued")
    PAPERS_ISSUED = "papers_issued", _("Papers issued")
    HELD = "held", _("Held")
    MINUTED = "minuted", _("Minuted")
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", _("Cancelled")


# Not yet held and not cancelled: the meetings the planner keeps one of per slot.
UPCOMING_STATUSES = (
    MeetingStatus.PLANNED,
    MeetingStatus.CONFIRMED,
    MeetingStatus.AGENDA_ISSUED,
    MeetingStatus.PAPERS_ISSUED,
)
# A meeting that has taken place (the cadence counts from the last of these).
HELD_STATUSES = (MeetingStatus.HELD, MeetingStatus.MINUTED, MeetingStatus.CLOSED)


class MeetingScope(models.TextChoices):
    """Who a meeting type is held with: one organisation, the whole system, a region or a committee."""

    ORGANISATION = "organisation", _("One organisation")
    SYSTEM = "system", _("System-wide")
    REGION = "region", _("A region")
    COMMITTEE = "committee", _("A committee")


class CadenceRule(models.TextChoices):
    FIXED_INTERVAL = "fixed_interval", _("Every so many months")
    FIXED_MONTHS = "fixed_months", _("In fixed months of the year")
    LEVEL_DRIVEN = "level_driven", _("By escalation level")
    ON_DEMAND = "on_demand", _("When needed")


class PapersRule(models.TextChoices):
    """How a meeting type's papers deadline is worked out (blank: the type has none)."""

    DAYS = "days", _("A number of days before the meeting")
    FRIDAY_BEFORE = "friday_before", _("By the Friday before the meeting")


class TorKind(models.TextChoices):
    """Kinds of terms of reference, by how often they are reviewed (``rules.TOR_REVIEW_MONTHS``)."""

    JET = "jet", _("Joint Executive Team (reviewed every two years)")
    COMMITTEE = "committee", _("Committee (reviewed every year)")


class QuorumCounts(models.TextChoices):
    ORGANISATIONS = "organisations", _("Core organisations")
    MEMBERS = "members", _("Core members")


class MembershipKind(models.TextChoices):
    CORE = "core", _("Core member")
    ATTENDEE = "attendee", _("Attendee")


class AttendanceMark(models.TextChoices):
    PRESENT = "present", _("Present")
    APOLOGIES = "apologies", _("Apologies")
    DEPUTY = "deputy", _("Deputy attended")
    ABSENT = "absent", _("Absent")


class ActionStatus(models.TextChoices):
    OPEN = "open", _("Open")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


# An action still to be done (and so able to become overdue).
OPEN_ACTION_STATUSES = (ActionStatus.OPEN, ActionStatus.IN_PROGRESS)


class PaperKind(models.TextChoices):
    AGENDA = "agenda", _("Agenda")
    PAPER = "paper", _("Paper")
    SLIDES = "slides", _("Slides")
    MINUTES = "minutes", _("Minutes")
    LETTER = "letter", _("Letter")
    OTHER = "other", _("Other")


class DecisionMethod(models.TextChoices):
    CONSENSUS = "consensus", _("By consensus")
    VOTE = "vote", _("By vote")


class DecisionOutcome(models.TextChoices):
    """``rules.vote_outcome`` says "carried" or "not carried"; stored here as below."""

    AGREED = "agreed", _("Agreed by consensus")
    CARRIED = "carried", _("Carried")
    NOT_CARRIED = "not_carried", _("Not carried")
    DEFERRED = "deferred", _("Deferred")

    @classmethod
    def from_rules(cls, outcome: str) -> "DecisionOutcome":
        """The stored value for an outcome of ``rules.vote_outcome``."""
        return cls(outcome.replace(" ", "_"))


class VoteChoice(models.TextChoices):
    FOR = "for", _("For")
    AGAINST = "against", _("Against")
    ABSTAIN = "abstain", _("Abstain")


class CastingVote(models.TextChoices):
    """The chair's deciding vote on a tie: for or against, never an abstention [003 §6]."""

    FOR = "for", _("For")
    AGAINST = "against", _("Against")
