"""What a staff password must be: long enough, and not one anyone would guess first.

Staff accounts open citizens' comments and the scores that feed people's appraisals.
The rules follow NIST SP 800-63B: a minimum length, no composition rules, and a refusal
of passwords known to be guessed first (the demo's published password, the username,
the portal's and the Pemda's own words, and the most common passwords).
"""

from __future__ import annotations

from dataclasses import dataclass

MINIMUM_LENGTH = 10
MAXIMUM_LENGTH = 200

# The demo accounts' published password, and what people type first.
COMMON = frozenset(
    {
        "suara-demo-2026",
        "password",
        "password1",
        "password123",
        "passw0rd",
        "1234567890",
        "12345678910",
        "0123456789",
        "qwertyuiop",
        "qwerty1234",
        "1q2w3e4r5t",
        "1qaz2wsx3edc",
        "abcdefghij",
        "iloveyou12",
        "admin12345",
        "administrator",
        "superadmin",
        "welcome123",
        "letmein123",
        "katasandi",
        "katasandi123",
        "rahasia123",
        "bismillah",
        "bismillah123",
        "indonesia",
        "indonesia123",
        "merdeka45",
        "jakarta123",
        "pemda12345",
        "pemerintah",
        "suaralayanan",
        "suara-layanan",
        "suaralayanan123",
        "kepegawaian",
        "bkpsdm12345",
    }
)


class WeakPassword(ValueError):
    """A password the policy refuses; ``reason`` says which rule, for the message."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Policy:
    minimum_length: int = MINIMUM_LENGTH

    def check(self, password: str, *, username: str = "") -> None:
        """Raise WeakPassword("short" | "long" | "common" | "username") or return."""
        if len(password) < self.minimum_length:
            raise WeakPassword("short")
        if len(password) > MAXIMUM_LENGTH:
            raise WeakPassword("long")
        folded = password.strip().lower()
        if folded in COMMON or len(set(folded)) <= 2:
            raise WeakPassword("common")
        if username and username.strip().lower() in folded:
            raise WeakPassword("username")
