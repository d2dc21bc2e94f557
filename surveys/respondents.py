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


# The profile as additive counts: one column per dimension and category, plus "none"
# (not stated) and "other" (a value outside the questionnaire's codes, e.g. from an
# older form). A respondent adds 1 to one column of each dimension. The rollup table's
# columns and the report's cells are generated from this list.
_PREFIX = {"sex": "sex", "age": "age", "education": "edu", "occupation": "occ"}
NONE, OTHER = "", "*"


def _column(dimension: str, code: str) -> str:
    if code == NONE:
        suffix = "none"
    elif code == OTHER:
        suffix = "other"
    else:
        suffix = code.lower().replace("<", "lt").replace("+", "plus").replace("-", "_")
    return f"{_PREFIX[dimension]}_{suffix}"


PROFILE_COLUMNS: tuple[tuple[str, str, str], ...] = tuple(
    (_column(dimension, code), dimension, code)
    for dimension, codes in ORDER.items()
    for code in (*codes, NONE, OTHER)
)
_COLUMN = {(d, c): name for name, d, c in PROFILE_COLUMNS}


def category_of(dimension: str, value: str | None) -> str:
    """The category a stored value counts under: its code, "" (not stated) or "*"."""
    value = value or NONE
    return value if (dimension, value) in _COLUMN else OTHER


def profile_column(dimension: str, value: str | None) -> str:
    """The column a stated value (or None) of a dimension counts in."""
    return _COLUMN[(dimension, category_of(dimension, value))]


def profile_counts(sex, age, education, occupation) -> dict[str, int]:
    """What one respondent adds to the profile columns."""
    return {
        profile_column("sex", sex): 1,
        profile_column("age", age_band(age)): 1,
        profile_column("education", education): 1,
        profile_column("occupation", occupation): 1,
    }
