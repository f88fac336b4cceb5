"""Tables of the escalation app. Built by its own capability; empty in the Foundation."""
