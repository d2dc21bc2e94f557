"""The respondent profile the SKM asks about, as stored codes in the questionnaire's order.

Sex, age, education and occupation are optional and anonymous. The survey form offers
these codes; the report and the public page list the profile in this same order, so a
reader finds "SD" before "S1" and the youngest band first.
"""

from __future__ import annotations

SEXES = ("L", "P")
EDUCATION = ("SD", "SMP", "SMA", "D3", "S1", "S2", "S3")
OCCUPATIONS = ("PNS", "TNI", "POLRI", "Swasta", "Wirausaha", "Pelajar", "Lainnya")
# Age bands as the SKM report usually prints them: (lowest, highest, label), inclusive.
AGE_BANDS = (
    (None, 24, "<25"),
    (25, 34, "25-34"),
    (35, 44, "35-44"),
    (45, 54, "45-54"),
    (55, None, "55+"),
)

ORDER = {
    "sex": SEXES,
    "age": tuple(label for _low, _high, label in AGE_BANDS),
    "education": EDUCATION,
    "occupation": OCCUPATIONS,
}


def sort_key(dimension: str, value: str) -> tuple[int, int, str]:
    """Order a profile's categories: the questionnaire's codes in its order, any other
    value after them, "not stated" (empty) last."""
    known = ORDER.get(dimension, ())
    if not value:
        return (2, 0, "")
    if value in known:
        return (0, known.index(value), value)
    return (1, 0, value)


def age_band(age: int | None) -> str:
    """Return the band of ``AGE_BANDS`` an age falls in ("" when not stated)."""
    if age is None:
        return ""
    for low, high, label in AGE_BANDS:
        if (low is None or age >= low) and (high is None or age <= high):
            return label
    return ""  # pragma: no cover - the bands cover every age
