"""The public survey: what a citizen sees after scanning a QR code. No login."""
