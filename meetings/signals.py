"""What meetings does when escalation tells it something."""

from __future__ import annotations


def replan_after_level_change(sender, organisation_id: int, **kwargs) -> None:
    """A level changed: plan that organisation's meetings again at once, so an escalation moves
    an unconfirmed review earlier today rather than at tomorrow's run."""
    from .tasks import plan_meetings

    plan_meetings.delay(organisation_ids=[organisation_id])
