from django.apps import AppConfig


class OversightConfig(AppConfig):
    """Shared infrastructure every app reuses: access policy, base model, attachments,
    domain errors, exports, bilingual fields and notifications."""

    name = "oversight"
    verbose_name = "Oversight (shared)"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import security  # noqa: F401 - connects the sign-in signal receivers
