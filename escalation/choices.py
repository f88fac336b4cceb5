from django.db import models
from django.utils.translation import gettext_lazy as _


class Level(models.IntegerChoices):
    ROUTINE_ARRANGEMENTS = 1, _("Routine arrangements")
    AREA_OF_CONCERN = 2, _("Area of concern")
    ENHANCED_MONITORING = 3, _("Enhanced monitoring")
    TARGETED_INTERVENTION = 4, _("Targeted intervention")
    SPECIAL_MEASURES = 5, _("Special measures")


class ScopeKind(models.TextChoices):
    ORGANISATION = "organisation", _("Whole organisation")
    DOMAIN = "domain", _("Domain or pillar")
    SERVICE = "service", _("Service or site")


class DomainKind(models.TextChoices):
    DOMAIN = "domain", _("Escalation domain (2024)")
    PILLAR = "pillar", _("Pillar (2026)")
    FOUNDATION = "foundation", _("Foundation domain (2026)")


class Authority(models.TextChoices):
    WELSH_GOVERNMENT = "welsh_government", _("Welsh Government officials")
    DIRECTOR_GENERAL = "director_general", _("Director General / NHS Wales Chief Executive")
    MINISTER = "minister", _("Minister, on recommendation")


class DecisionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    RECOMMENDED = "recommended", _("Recommended")
    DECIDED = "decided", _("Decided")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class CriterionStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    AGREED = "agreed", _("Agreed")
    IN_PROGRESS = "in_progress", _("In progress")
    MET = "met", _("Met")
    SUSTAINED = "sustained", _("Sustained")


class ComputedStatus(models.TextChoices):
    """What released pack data say of a criterion bound to a measure (``reporting.criteria``).
    The values are those ``escalation.rules`` reads."""

    MET = "met", _("Met")
    NOT_MET = "not_met", _("Not met")
    NO_DATA = "no_data", _("Not enough released data")


class CasePhase(models.TextChoices):
    ACTIVE = "active", _("Escalated")
    SUSTAINABILITY = "sustainability", _("Sustainability")
    CLOSED = "closed", _("Closed")


class ConcernSource(models.TextChoices):
    WELSH_GOVERNMENT = "wg", _("Welsh Government")
    NHS_PI = "nhspi", _("NHS Performance and Improvement")
    HIW = "hiw", _("Healthcare Inspectorate Wales")
    AUDIT_WALES = "audit_wales", _("Audit Wales")
    LLAIS = "llais", _("Llais")
    SELF_REFERRAL = "self_referral", _("The organisation itself")
    AUTOMATED = "automated", _("Automated signal")


class ConcernStatus(models.TextChoices):
    OPEN = "open", _("Open")
    TRIAGED = "triaged", _("Triaged")
    LINKED = "linked", _("Linked to a case")
    CLOSED = "closed", _("Closed")


class Severity(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")
    CRITICAL = "critical", _("Critical")


class PlanKind(models.TextChoices):
    IMPROVEMENT = "improvement", _("Improvement or recovery plan (levels 2-3)")
    TARGETED_SUPPORT = "targeted_support", _("Targeted support (levels 4-5)")


class InterventionKind(models.TextChoices):
    MENTORING = "mentoring", _("Mentoring for board or executive members")
    INDEPENDENT_ADVISER = "independent_adviser", _("Independent adviser on the board")
    EXTERNAL_REVIEW = "external_review", _("External review")
    AUDIT_WALES_REVIEW = "audit_wales_review", _("Audit Wales review")
    DIAGNOSTIC = "diagnostic", _("Diagnostic")
    SUSPENSION = "suspension", _("Suspension of board members' powers (statutory)")
    REMOVAL = "removal", _("Removal of board members (statutory)")
    DIRECTION = "direction", _("Direction that another body perform a function (statutory)")


class Rag(models.TextChoices):
    RED = "red", _("Red")
    AMBER = "amber", _("Amber")
    GREEN = "green", _("Green")


class IntelligenceKind(models.TextChoices):
    HIW_INSPECTION = "hiw_inspection", _("HIW inspection")
    AUDIT_WALES_REVIEW = "audit_wales_review", _("Audit Wales review")
    STRUCTURED_ASSESSMENT = "structured_assessment", _("Audit Wales structured assessment")
    LLAIS_REPORT = "llais_report", _("Llais report")
    NQMS_SIGNAL = "nqms_signal", _("NQMS patient-safety signal")
    OTHER = "other", _("Other intelligence")


class Recommendation(models.TextChoices):
    MAINTAIN = "maintain", _("Maintain")
    ESCALATE = "escalate", _("Escalate")
    DEESCALATE = "de-escalate", _("De-escalate")
