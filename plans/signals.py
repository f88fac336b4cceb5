"""What plans does when escalation tells it something."""

from __future__ import annotations


def reschedule_after_level_change(sender, organisation_id: int, **kwargs) -> None:
    """A level changed: schedule that organisation's required submissions again at once, so an
    escalation replaces the old level's submissions the same day (no reminders on this run)."""
    from .tasks import track_submissions

    track_submissions.delay(organisation_ids=[organisation_id], remind=False)
