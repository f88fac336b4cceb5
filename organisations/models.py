"""The registry: regions, organisations, the people who sign for them, and memberships."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from oversight.i18n import Bilingual
from oversight.models import BaseModel

from . import rules
from .choices import LetterLanguage, OfficeholderRole, OrganisationKind, Role


class Region(BaseModel):
    """A regional grouping of organisations. Editable data: no official list exists."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name (English)"), max_length=100, unique=True)
    name_cy = models.CharField(_("name (Welsh)"), max_length=100, blank=True)
    under_ministerial_direction = models.BooleanField(
        _("under Ministerial Direction"),
        default=False,
        help_text=_("Regions under Ministerial Direction hold six-monthly regional meetings [001 §6.3]."),
    )

    display_name = Bilingual("name")
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("region")

    def __str__(self):
        return self.display_name


class Organisation(BaseModel):
    """An NHS Wales organisation or another party to oversight (WG, HIW, Audit Wales, Llais)."""

    code = models.SlugField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name (English)"), max_length=200)
    name_cy = models.CharField(_("name (Welsh)"), max_length=200, blank=True)
    welsh_name_verified = models.BooleanField(_("Welsh name checked"), default=False)
    short_name = models.CharField(_("short name (English)"), max_length=100)
    short_name_cy = models.CharField(_("short name (Welsh)"), max_length=100, blank=True)
    kind = models.CharField(_("kind"), max_length=40, choices=OrganisationKind.choices)
    ods_code = models.CharField(_("ODS code"), max_length=10, blank=True)
    ons_code = models.CharField(_("ONS code"), max_length=12, blank=True)
    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, null=True, blank=True, related_name="organisations"
    )
    hosted_by = models.ForeignKey(
        "self",
        verbose_name=_("hosted by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="hosted_bodies",
    )
    statutory = models.BooleanField(_("statutory NHS organisation"), default=False)
    active = models.BooleanField(_("active"), default=True)
    letter_language = models.CharField(
        _("language of its letters"),
        max_length=10,
        choices=LetterLanguage.choices,
        default=LetterLanguage.ENGLISH,
        help_text=_("Letters to the organisation are drafted in this language unless the drafter chooses another."),
    )

    display_name = Bilingual("name")
    display_short_name = Bilingual("short_name")
    history = HistoricalRecords(excluded_fields=["updated_at"])
    access_organisation_field = "pk"
    access_public = True  # the register of names and codes; members and history stay private

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        constraints = [
            models.UniqueConstraint(
                fields=["ods_code"], condition=~Q(ods_code=""), name="organisation_ods_code_unique_when_set"
            ),
            models.CheckConstraint(condition=~Q(hosted_by=models.F("pk")), name="organisation_not_hosted_by_itself"),
        ]

    def __str__(self):
        return self.display_name

    @property
    def holds_levels(self) -> bool:
        return rules.holds_levels(kind=self.kind, statutory=self.statutory)


class Officeholder(BaseModel):
    """Someone who signs for or receives letters on behalf of an organisation."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="officeholders")
    role = models.CharField(_("role"), max_length=30, choices=OfficeholderRole.choices)
    name = models.CharField(_("name"), max_length=200)
    title = models.CharField(_("post title"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    start_date = models.DateField(_("from"), null=True, blank=True)
    end_date = models.DateField(_("until"), null=True, blank=True)

    history = HistoricalRecords()
    access_organisation_field = "organisation"

    class Meta:
        ordering = ["organisation", "role", "-start_date"]
        verbose_name = _("office holder")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=models.F("start_date")),
                name="officeholder_dates_in_order",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.get_role_display()})"


class Membership(BaseModel):
    """A user's role at an organisation. The role names what they may do; the organisation, where."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    job_title = models.CharField(_("job title"), max_length=200, blank=True)

    history = HistoricalRecords()
    access_organisation_field = "organisation"

    class Meta:
        ordering = ["organisation__name", "user__last_name", "user__first_name"]
        verbose_name = _("membership")
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation", "role"], name="membership_unique_role"),
        ]

    def __str__(self):
        return f"{self.user} – {self.get_role_display()}, {self.organisation.short_name}"
