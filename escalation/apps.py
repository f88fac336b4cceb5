from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EscalationConfig(AppConfig):
    """Frameworks, levels, cases, concerns, intelligence, decisions, criteria and support."""

    name = "escalation"
    verbose_name = _("Escalation")
    default_auto_field = "django.db.models.BigAutoField"
