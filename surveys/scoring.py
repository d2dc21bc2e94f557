"""The IKM of PermenPAN-RB 14/2017, computed exactly and rounded once.

Rules (``shared/SKM.md`` section 1):

- NRR of an unsur = the sum of its answers / the number of respondents who answered it.
- IKM = the mean of the NRRs with equal weights 1/k, k = the number of unsur answered
  at least once. The exact fraction, never the printed "0,111": with the rounded
  weight, all-4 answers would give 99.90 instead of 100.
- Converted IKM = IKM x 25, from 25.00 to 100.00.
- **Rounding rule**: everything is computed as exact fractions; the published converted
  value is rounded once, half-up, to 0.01, and the grade is read from that rounded
  value (A >= 88.31, B >= 76.61, C >= 65.00, else D). An unsur's own grade uses the
  same bands on its NRR x 25, rounded the same way. ``index`` and ``nrr`` are given to
  4 decimals (half-up) for display only; no grade is decided from them.

A score is computed from additive statistics (``surveys.statistics``), so a report never
needs raw responses; ``ikm(responses)`` is the same computation starting from raw answers.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from surveys.instruments import SCALE, UNSUR_CODES
from surveys.statistics import MEAN_SCALE, Statistics, count_key, of_responses

CONVERSION = 25
CENT = Decimal("0.01")
DISPLAY = Decimal("0.0001")
# 1.96: the two-sided 95% point of the normal distribution.
Z_95 = Decimal("1.96")
# Per unsur about the person who served (competence, behaviour); the rest describe the unit.
PERSONAL_UNSUR = ("U6", "U7")
DEFAULT_MINIMUM_FOR_PERSON = 30


@dataclass(frozen=True)
class Grade:
    letter: str
    label: str  # the regulation's "kinerja unit pelayanan"
    lower_bound: Decimal


GRADES = (
    Grade("A", "Sangat Baik", Decimal("88.31")),
    Grade("B", "Baik", Decimal("76.61")),
    Grade("C", "Kurang Baik", Decimal("65.00")),
    Grade("D", "Tidak Baik", Decimal("25.00")),
)


def half_up(value: Fraction | Decimal, step: Decimal = CENT) -> Decimal:
    """Round exactly, half-up, to ``step``: the one rounding a published number gets.

    A fraction is rounded as a fraction: turning 88.30499... into a 28-digit Decimal
    first could make it 88.305 and round it up.
    """
    if isinstance(value, Decimal):
        return value.quantize(step, rounding=ROUND_HALF_UP)
    units = math.floor(value / Fraction(step) + Fraction(1, 2))
    return (Decimal(units) * step).quantize(step)


def grade_of(converted: Decimal) -> Grade:
    """Return the grade of a converted value already rounded to 0.01."""
    return next(g for g in GRADES if converted >= g.lower_bound)


def to_converted(index: Fraction) -> Decimal:
    """Return the converted value (25.00-100.00) of an exact index, half-up to 0.01."""
    return half_up(index * CONVERSION)


@dataclass(frozen=True)
class UnsurScore:
    code: str
    respondents: int  # how many answered this unsur
    exact: Fraction
    converted: Decimal
    grade: Grade

    @property
    def nrr(self) -> Decimal:
        return half_up(self.exact, DISPLAY)


@dataclass(frozen=True)
class Score:
    """The IKM of one slice. ``respondents == 0`` means no data: no number, no grade."""

    respondents: int
    unsur: Mapping[str, UnsurScore] = field(default_factory=dict)
    exact_index: Fraction | None = None
    interval: tuple[Decimal, Decimal] | None = None

    @property
    def has_data(self) -> bool:
        return self.respondents > 0

    @property
    def nrr(self) -> dict[str, Decimal]:
        return {code: u.nrr for code, u in self.unsur.items()}

    @property
    def index(self) -> Decimal | None:
        return None if self.exact_index is None else half_up(self.exact_index, DISPLAY)

    @property
    def converted(self) -> Decimal | None:
        return None if self.exact_index is None else to_converted(self.exact_index)

    @property
    def grade(self) -> str | None:
        return None if self.converted is None else grade_of(self.converted).letter

    @property
    def label(self) -> str | None:
        return None if self.converted is None else grade_of(self.converted).label

    @property
    def weakest(self) -> UnsurScore | None:
        """Return the unsur with the lowest NRR (ties: the first in code order)."""
        if not self.unsur:
            return None
        return min(self.unsur.values(), key=lambda u: (u.exact, u.code))


def _unsur_scores(stats: Statistics, codes: Iterable[str]) -> dict[str, UnsurScore]:
    scores = {}
    for code in codes:
        counts = [stats.counts[count_key(code, value)] for value in SCALE]
        answered = sum(counts)
        if not answered:
            continue
        exact = Fraction(sum(v * c for v, c in zip(SCALE, counts, strict=True)), answered)
        converted = to_converted(exact)
        scores[code] = UnsurScore(code, answered, exact, converted, grade_of(converted))
    return scores


def _interval(stats: Statistics, index: Fraction, population: int | None):
    """Return a 95% interval for the converted score, or None below two respondents.

    The spread is that of the respondents' own means (additive: their sum and sum of
    squares are kept), so the interval is exact in spread when every respondent answers
    every unsur and a close approximation when some leave items blank. With a known
    population N the finite population correction sqrt((N - n) / (N - 1)) applies.
    """
    n = stats.respondents
    if n < 2:
        return None
    mean = Fraction(stats.mean_sum, MEAN_SCALE * n)
    sum_sq = Fraction(stats.mean_sq_sum, MEAN_SCALE * MEAN_SCALE)
    variance = max((sum_sq - n * mean * mean) / (n - 1), Fraction(0))
    se_sq = variance / n
    if population is not None and population > 1:
        se_sq *= Fraction(max(population - n, 0), population - 1)
    half_width = Z_95 * CONVERSION * (Decimal(se_sq.numerator) / Decimal(se_sq.denominator)).sqrt()
    centre = Decimal(index.numerator) / Decimal(index.denominator) * CONVERSION
    low = max(centre - half_width, Decimal(CONVERSION))
    high = min(centre + half_width, Decimal(100))
    return half_up(low), half_up(high)


def from_statistics(
    stats: Statistics, codes: Iterable[str] = UNSUR_CODES, *, population: int | None = None
) -> Score:
    """Return the score of a slice from its additive statistics."""
    if not stats.respondents:
        return Score(respondents=0)
    unsur = _unsur_scores(stats, codes)
    index = sum((u.exact for u in unsur.values()), Fraction(0)) / len(unsur)
    return Score(
        respondents=stats.respondents,
        unsur=unsur,
        exact_index=index,
        interval=_interval(stats, index, population),
    )


def ikm(responses: Iterable[Mapping[str, int | None]], *, population: int | None = None) -> Score:
    """Return the IKM of raw responses: mappings of unsur code to 1..4 or None (blank)."""
    return from_statistics(of_responses(responses), population=population)


def personal(stats: Statistics) -> Score:
    """Return the personal index of an employee: the same formula over U6 and U7 only.

    Its ``interval`` is left out: the respondent sums cover all nine unsur.
    """
    if not stats.respondents:
        return Score(respondents=0)
    unsur = _unsur_scores(stats, PERSONAL_UNSUR)
    if not unsur:
        return Score(respondents=0)
    respondents = max(u.respondents for u in unsur.values())
    index = sum((u.exact for u in unsur.values()), Fraction(0)) / len(unsur)
    return Score(respondents=respondents, unsur=unsur, exact_index=index)


def required_sample(population: int) -> int:
    """Return the Krejcie-Morgan sample the regulation asks for a population of N served.

    S = l2*N*P*(1-P) / (d2*(N-1) + l2*P*(1-P)), l2 = 3.841, P = 0.5, d = 0.05, rounded to
    the nearest whole respondent (N=100 -> 80, 1,000 -> 278, 10,000 -> 370).
    """
    if population <= 0:
        return 0
    lam2, p, d = Fraction("3.841"), Fraction(1, 2), Fraction(1, 20)
    s = lam2 * population * p * (1 - p) / (d * d * (population - 1) + lam2 * p * (1 - p))
    return int(half_up(s, Decimal(1)))


@dataclass(frozen=True)
class Adequacy:
    population: int
    required: int
    respondents: int

    @property
    def adequate(self) -> bool:
        return self.respondents >= self.required


def adequacy(respondents: int, population: int | None) -> Adequacy | None:
    if population is None:
        return None
    return Adequacy(population, required_sample(population), respondents)


def sufficient_for_person(respondents: int, minimum: int = DEFAULT_MINIMUM_FOR_PERSON) -> bool:
    """Return whether a score about one person rests on enough responses to be shown."""
    return respondents >= minimum


def shrunken(
    groups: Mapping[object, Statistics],
) -> dict[object, Decimal]:
    """Return each group's converted mean pulled toward the pooled mean (empirical Bayes).

    For ranking employees with few responses. With respondent means of group i having
    mean m_i over n_i respondents, pooled within-group variance s2 and between-group
    variance t2 (method of moments, floored at 0), the estimate is

        mu + B_i * (m_i - mu),   B_i = t2 / (t2 + s2 / n_i),

    mu being the respondent-weighted pooled mean; converted (x 25) and rounded half-up
    to 0.01. A group with many responses keeps nearly its own mean; one with few is
    drawn toward the unit's. With t2 = 0 every group gets mu.
    """
    filled = {key: s for key, s in groups.items() if s.respondents}
    if not filled:
        return {}
    total = sum(s.respondents for s in filled.values())
    mu = Fraction(sum(s.mean_sum for s in filled.values()), MEAN_SCALE * total)
    means = {k: Fraction(s.mean_sum, MEAN_SCALE * s.respondents) for k, s in filled.items()}
    within_ss = sum(
        Fraction(s.mean_sq_sum, MEAN_SCALE**2) - s.respondents * means[k] ** 2
        for k, s in filled.items()
    )
    dof = total - len(filled)
    s2 = within_ss / dof if dof > 0 else Fraction(0)
    g = len(filled)
    if g > 1:
        between = sum((means[k] - mu) ** 2 for k in filled) / (g - 1)
        t2 = max(between - sum(s2 / s.respondents for s in filled.values()) / g, Fraction(0))
    else:
        t2 = Fraction(0)
    result = {}
    for key, s in filled.items():
        weight = t2 / (t2 + s2 / s.respondents) if (t2 + s2 / s.respondents) else Fraction(1)
        result[key] = to_converted(mu + weight * (means[key] - mu))
    return result
