"""Signals other apps listen to, so that escalation never imports them (apps depend one way:
organisations ← escalation ← meetings ← reporting)."""

from django.dispatch import Signal

# Sent after the transaction that changed a scope's level commits. Argument: organisation_id.
level_changed = Signal()
