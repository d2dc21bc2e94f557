"""Public pages that need no login and no survey link."""
