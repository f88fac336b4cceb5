"""Tables of the reporting app. Built by its own capability; empty in the Foundation."""
