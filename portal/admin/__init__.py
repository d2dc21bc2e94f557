"""Administration: units, counters, QR posters."""
