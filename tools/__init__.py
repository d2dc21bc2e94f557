"""Development and CI tools that are not part of the portal."""
