"""Flags that higher apps raise on an organisation's escalation pages, without escalation (or
meetings) importing them.

A higher app registers a *provider* once, in its ``AppConfig.ready()``::

    from escalation import flags
    flags.register(my_provider)

A provider is called as ``provider(organisation, *, user, on)`` and returns the flags it has
for that organisation on that day that ``user`` may see (an empty list otherwise). It must
make a fixed, small number of queries, since the organisation's escalation page, the decision
form and the meeting page call every provider on every view.

The pages show each flag with its pillar (``pillar`` is the code of a 2026 pillar
``escalation.Domain``, e.g. ``"finance"``; empty for the whole organisation), its reason, the
framework paragraph it comes from, a link to where it is dealt with and, for a list (open
accountability conditions), its items. See docs/decisions.md, "Plans on lower pages".
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class FlagItem:
    """One line of a flag that lists things: e.g. one open accountability condition."""

    text: str
    detail: str = ""
    url: str = ""
    due_on: date | None = None
    overdue: bool = False


@dataclass(frozen=True)
class Flag:
    code: str  # machine-readable, e.g. "plans.finance_plan"; shown as data-flag-code
    title: str
    text: str
    reference: str = ""  # what it means under the framework, with its paragraphs
    pillar: str = ""  # 2026 pillar code ("finance"), or "" for the whole organisation
    pillar_name: str = ""
    url: str = ""
    link_text: str = ""
    items: tuple[FlagItem, ...] = field(default_factory=tuple)
    kind: str = "warning"  # "warning" (a criterion is met) or "list" (things to follow up)


Provider = Callable[..., Iterable[Flag]]

PROVIDERS: list[Provider] = []


def register(provider: Provider) -> None:
    """Add a provider (once, however often ``ready()`` runs)."""
    if provider not in PROVIDERS:
        PROVIDERS.append(provider)


def flags_for(organisation, *, user, on: date, kinds: Iterable[str] | None = None) -> list[Flag]:
    """Every registered provider's flags for ``organisation`` on ``on``, as ``user`` may see them,
    warnings first. ``kinds`` keeps only flags of those kinds."""
    if organisation is None:
        return []
    wanted = set(kinds) if kinds is not None else None
    found: list[Flag] = []
    for provider in PROVIDERS:
        found.extend(flag for flag in provider(organisation, user=user, on=on) if wanted is None or flag.kind in wanted)
    return sorted(found, key=lambda flag: (flag.kind != "warning", flag.pillar, flag.code))
