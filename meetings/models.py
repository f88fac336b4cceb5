"""Tables of the meetings app. Built by its own capability; empty in the Foundation."""
