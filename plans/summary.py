"""Progress against the Ministerial priorities, as a section of the public accountability
summary [001 §10: annual public accountability meetings publish a concise performance summary
and progress against Ministerial priorities].

``reporting.compositions`` (which may not import plans) renders the summary; it offers
``SUMMARY_SECTIONS``, a list of callables ``(organisation, year, language) -> dict | None``
that higher apps append to. ``register()`` (called from ``PlansConfig.ready``) adds
``priorities_section`` when that list exists. The section holds released figures only (the
latest released revision of each pack), and nothing internal: no plan, condition or name.
"""

from __future__ import annotations

from datetime import date

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from . import selectors
from .choices import Progress


def priorities_section(organisation, year: int, language: str = "en") -> dict | None:
    """Heading, a sentence and one row per priority: the priority, its progress and its linked
    measures' latest released values. None for an organisation that holds no level, or with no
    cycle running in that year."""
    if not getattr(organisation, "holds_levels", False):
        return None
    on = min(date(int(year), 12, 31), timezone.localdate())
    cycle = selectors.current_cycle(on)
    if cycle is None:
        return None
    with translation.override("cy" if str(language).startswith("cy") else "en"):
        progress = selectors.priorities_progress(organisation, cycle=cycle)
        rows = []
        for item in progress:
            measures = "; ".join(
                f"{m.measure.display_name}: {m.display}"
                + (f" ({m.period:%m/%Y})" if m.period else "")
                + (f", {m.variation_label}" if m.variation_label else "")
                for m in item.measures
                if m.value is not None
            )
            rows.append(
                {
                    "label": item.priority.display_name,
                    "value": str(Progress(item.status).label),
                    "detail": measures or _("No released measure is linked to this priority yet."),
                }
            )
        return {
            "key": "ministerial_priorities",
            "heading": _("Progress against the Ministerial priorities"),
            "intro": _("Planning Framework %(cycle)s, from released performance figures only.") % {"cycle": cycle.code},
            "columns": [_("Priority"), _("Progress"), _("Latest released figures")],
            "rows": rows,
            "empty": _("No Ministerial priorities are recorded for this planning cycle."),
        }


def register() -> bool:
    """Add the section to the public summary's extension point, if ``reporting`` offers one.
    Returns whether it did."""
    try:
        from reporting import compositions
    except ImportError:  # pragma: no cover - reporting is always installed
        return False
    sections = getattr(compositions, "SUMMARY_SECTIONS", None)
    if sections is None:
        return False
    if priorities_section not in sections:
        sections.append(priorities_section)
    return True
