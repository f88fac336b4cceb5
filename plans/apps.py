from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    """Plans and accountability: IMTPs and annual plans, Welsh Government's response and its
    accountability conditions, the Finance flag, the break-even duty, Ministerial priorities and
    the submissions each escalation level requires. The top of the dependency order: it may
    import every other app; none imports it."""

    name = "plans"
    verbose_name = _("Plans and accountability")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from escalation import flags
        from escalation.signals import level_changed

        from . import summary
        from .flags import finance_flag_provider, open_conditions_provider
        from .signals import reschedule_after_level_change

        # Lower pages show plans things through escalation's registry (docs/decisions.md,
        # "Plans on lower pages"): the Finance flag and the open conditions.
        flags.register(finance_flag_provider)
        flags.register(open_conditions_provider)
        level_changed.connect(reschedule_after_level_change, dispatch_uid="plans.reschedule_after_level_change")
        summary.register()
