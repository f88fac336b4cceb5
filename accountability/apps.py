from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountabilityConfig(AppConfig):
    """Accountability: Chair objectives, Accountable Officer letters, earned autonomy (meeting
    burden and flexibilities granted), the Well-led self-assessment, and NHS P&I's monthly
    system synthesis. Above ``plans`` in the dependency order: it may import every other app;
    none imports it (docs/decisions.md, "Accountability, a separate app")."""

    name = "accountability"
    verbose_name = _("Accountability")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from escalation import flags
        from reporting.compositions import RENDERERS
        from reporting.models import Document

        from .flags import well_led_provider
        from .rendering import render_synthesis

        # The Well-led result beside pillar decisions, through escalation's registry.
        flags.register(well_led_provider)
        # The monthly synthesis renders as a PDF of its own kind; the Accountable Officer letter
        # is a letter and renders through reporting's letter template.
        RENDERERS[Document.Kind.SYSTEM_SYNTHESIS] = render_synthesis
