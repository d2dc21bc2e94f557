"""Where a redirect may go back to."""

from __future__ import annotations

from urllib.parse import urlsplit


def safe_next(target: str | None) -> str | None:
    """Return ``target`` if it is a path on this site, else None.

    An open redirect would turn the login page or the language switch into a
    phishing tool, so only same-site paths are followed.
    """
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target:
        return None
    return target
