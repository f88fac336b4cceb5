from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganisationKind(models.TextChoices):
    HEALTH_BOARD = "health_board", _("Health board")
    TRUST = "trust", _("NHS trust")
    SPECIAL_HEALTH_AUTHORITY = "special_health_authority", _("Special health authority")
    HOSTED_BODY = "hosted_body", _("Hosted body")
    NATIONAL_BODY = "national_body", _("National body")
    GOVERNMENT = "government", _("Government")
    INSPECTORATE = "inspectorate", _("Inspectorate")
    AUDITOR = "auditor", _("Auditor")
    CITIZEN_VOICE = "citizen_voice", _("Citizen voice body")


class Role(models.TextChoices):
    WG_OFFICIAL = "wg_official", _("Welsh Government official")
    WG_DECISION_MAKER = "wg_decision_maker", _("Welsh Government decision maker")
    WG_SECRETARIAT = "wg_secretariat", _("Welsh Government secretariat")
    NHSPI_ANALYST = "nhspi_analyst", _("NHS P&I analyst")
    ORG_SUBMITTER = "org_submitter", _("Organisation submitter")
    ORG_EXECUTIVE = "org_executive", _("Organisation executive")
    TRIPARTITE_PARTNER = "tripartite_partner", _("Tripartite partner")
    ADMINISTRATOR = "administrator", _("Administrator")


class LetterLanguage(models.TextChoices):
    """The language an organisation's letters are written in, as it prefers. The values are
    those of ``reporting.Document.Language``, so a letter takes its language from here."""

    ENGLISH = "en", _("English")
    WELSH = "cy", _("Welsh")
    BILINGUAL = "bilingual", _("Welsh and English")


class OfficeholderRole(models.TextChoices):
    CHIEF_EXECUTIVE = "chief_executive", _("Chief executive")
    CHAIR = "chair", _("Chair")
