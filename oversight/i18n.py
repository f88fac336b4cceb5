"""Bilingual reference data: an English value and a Welsh value, shown by the active language.

A model declares the pair of fields and a ``Bilingual`` descriptor::

    name = models.CharField(_("name (English)"), max_length=200)
    name_cy = models.CharField(_("name (Welsh)"), max_length=200, blank=True)
    display_name = Bilingual("name")

``obj.display_name`` is the Welsh value while Welsh is active and one is recorded, and
the English value otherwise.
"""

from __future__ import annotations

from django.utils import translation


def is_welsh_active() -> bool:
    return (translation.get_language() or "").lower().startswith("cy")


def pick(english: str, welsh: str) -> str:
    """The value to show in the active language; English where no Welsh is recorded."""
    return welsh if (welsh and is_welsh_active()) else english


class Bilingual:
    """Descriptor reading ``<field>`` or ``<field>_cy`` according to the active language."""

    def __init__(self, field: str):
        self.field = field

    def __set_name__(self, owner, name):
        self.name = name

    def __get__(self, instance, owner=None):
        if instance is None:
            return self
        return pick(getattr(instance, self.field), getattr(instance, f"{self.field}_cy", ""))
