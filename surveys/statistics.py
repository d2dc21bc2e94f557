"""Additive sufficient statistics of a set of responses.

Every published score can be computed from a few numbers that simply add up across
responses, months, counters and units (``docs/architecture.md``): for each
unsur and answer value, how many respondents chose it; how many respondents there
were; and the sum and sum of squares of each respondent's own mean answer.

A respondent's own mean is a fraction with a denominator between 1 and 9. Scaled by
2520 (the least common multiple of 1..9) it is an integer, so the sums stay exact
integers in the database and merging two slices can never introduce rounding.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

from surveys.instruments import SCALE, UNSUR_CODES

MEAN_SCALE = 2520


def count_key(code: str, value: int) -> str:
    """Return the name of the counter for ``value`` answers to unsur ``code``: ``u3_4``."""
    return f"{code.lower()}_{value}"


COUNT_KEYS = tuple(count_key(code, value) for code in UNSUR_CODES for value in SCALE)
# The order in which rollup rows and ``from_row`` list the statistics.
COLUMNS = ("respondents", "mean_sum", "mean_sq_sum", *COUNT_KEYS)


@dataclass
class Statistics:
    """Additive statistics of a slice; ``+`` merges two disjoint slices."""

    respondents: int = 0
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COUNT_KEYS, 0))
    mean_sum: int = 0  # sum of respondent means x MEAN_SCALE
    mean_sq_sum: int = 0  # sum of squared respondent means x MEAN_SCALE**2

    def __add__(self, other: Statistics) -> Statistics:
        return Statistics(
            respondents=self.respondents + other.respondents,
            counts={k: self.counts[k] + other.counts[k] for k in COUNT_KEYS},
            mean_sum=self.mean_sum + other.mean_sum,
            mean_sq_sum=self.mean_sq_sum + other.mean_sq_sum,
        )

    def as_columns(self) -> dict[str, int]:
        """Return the flat column mapping a rollup row stores."""
        return {
            "respondents": self.respondents,
            "mean_sum": self.mean_sum,
            "mean_sq_sum": self.mean_sq_sum,
            **self.counts,
        }

    @classmethod
    def from_columns(cls, columns: Mapping[str, int | None]) -> Statistics:
        return cls(
            respondents=int(columns.get("respondents") or 0),
            counts={k: int(columns.get(k) or 0) for k in COUNT_KEYS},
            mean_sum=int(columns.get("mean_sum") or 0),
            mean_sq_sum=int(columns.get("mean_sq_sum") or 0),
        )

    @classmethod
    def from_row(cls, values: Sequence[int]) -> Statistics:
        """Build from values in ``COLUMNS`` order (respondents, mean_sum, mean_sq_sum, counts)."""
        return cls(
            respondents=int(values[0]),
            counts=dict(zip(COUNT_KEYS, map(int, values[3:]), strict=True)),
            mean_sum=int(values[1]),
            mean_sq_sum=int(values[2]),
        )

    def respondent_mean(self) -> Fraction | None:
        """Return the average of respondents' own means, or None without respondents."""
        if not self.respondents:
            return None
        return Fraction(self.mean_sum, MEAN_SCALE * self.respondents)


_COUNT_POSITION = {
    (code, value): COLUMNS.index(count_key(code, value)) for code in UNSUR_CODES for value in SCALE
}


def contribution(answers: Mapping[str, int | None]) -> list[int] | None:
    """Return what one response adds to its buckets, in ``COLUMNS`` order; None if blank.

    The one definition of a response's statistics: the submit path adds it to the
    rollup rows, the recount sums it over raw responses, ``of_response`` wraps it.
    A respondent who left every item blank is no respondent at all.
    """
    given = [(code, value) for code, value in answers.items() if value is not None]
    if not given:
        return None
    scaled_mean = MEAN_SCALE * sum(value for _, value in given) // len(given)
    row = [1, scaled_mean, scaled_mean * scaled_mean] + [0] * len(COUNT_KEYS)
    for item in given:
        row[_COUNT_POSITION[item]] = 1
    return row


def of_response(answers: Mapping[str, int | None]) -> Statistics:
    """Return the statistics contributed by one response (blanks contribute nothing)."""
    row = contribution(answers)
    return Statistics() if row is None else Statistics.from_row(row)


def of_responses(responses: Iterable[Mapping[str, int | None]]) -> Statistics:
    total = Statistics()
    for answers in responses:
        total = total + of_response(answers)
    return total


# A respondent whose own mean is below 2.6 (65.00 converted, the lower edge of grade C)
# rated the service "Tidak Baik" overall.
DISSATISFIED_MEAN_BELOW = Fraction(13, 5)


def is_dissatisfied(answers: Mapping[str, int | None]) -> bool:
    """Return whether one response deserves a pointer to the complaint channel.

    True when the respondent's own mean falls in grade D, or when any unsur got the
    worst answer: one very bad experience is worth a complaint even if the rest went well.
    """
    given = [value for value in answers.values() if value is not None]
    if not given:
        return False
    return min(given) == 1 or Fraction(sum(given), len(given)) < DISSATISFIED_MEAN_BELOW
