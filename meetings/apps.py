from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    """Meeting types, cadence policy, meetings and their records."""

    name = "meetings"
    verbose_name = _("Meetings")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from escalation.signals import level_changed

        from .signals import replan_after_level_change

        level_changed.connect(replan_after_level_change, dispatch_uid="meetings.replan_after_level_change")
