"""The IKM of PermenPAN-RB 14/2017, computed exactly and rounded once.

Rules (``docs/domain.md`` section 2):

- NRR of an unsur = the sum of its answers / the number of respondents who answered it.
- IKM = the mean of the NRRs with equal weights 1/k, k = the number of unsur answered
  at least once. The exact fraction, never the printed "0,111": with the rounded
  weight, all-4 answers would give 99.90 instead of 100.
- Converted IKM = IKM x 25, from 25.00 to 100.00.
- **Rounding rule**: everything is computed as exact fractions; the published converted
  value is rounded once, half-up, to 0.01, and the grade is read from that rounded
  value (A >= 88.31, B >= 76.61, C >= 65.00, else D). An unsur's own grade uses the
  same bands on its NRR x 25, rounded the same way. An unsur's ``nrr`` is published
  to 0.01 and ``index`` to 0.0001, each rounded once from the exact fraction (rounding
  a rounded value again can move it: 152/101 is 1.50495..., 1.5050 at four places,
  but 1.50 at two); no grade is decided from them.

A score is computed from additive statistics (``surveys.statistics``), so a report never
needs raw responses; ``ikm(responses)`` is the same computation starting from raw answers.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from functools import cached_property

from surveys.instruments import SCALE, UNSUR_CODES
from surveys.statistics import MEAN_SCALE, Statistics, count_key, of_responses

# The version of these rules, cited with every score the appraisal module pulls and
# frozen with every closed period: a change to any rule here gets a new one.
METHOD = "skm-permenpan-rb-14-2017/1"
CONVERSION = 25
CENT = Decimal("0.01")
DISPLAY = Decimal("0.0001")
# 1.96: the two-sided 95% point of the normal distribution.
Z_95 = Decimal("1.96")
# Per unsur about the person who served (competence, behaviour); the rest describe the unit.
PERSONAL_UNSUR = ("U6", "U7")


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


def _half_up_ratio(numerator: int, denominator: int, places: int) -> Decimal:
    """Return numerator / denominator rounded half-up to ``places`` decimals, exactly.

    Integer arithmetic only: turning 88.30499... into a 28-digit Decimal first could
    make it 88.305 and round it up; and it is several times faster than Fraction.
    """
    units = (2 * numerator * 10**places + denominator) // (2 * denominator)
    return Decimal(units).scaleb(-places)


def half_up(value: Fraction | Decimal, step: Decimal = CENT) -> Decimal:
    """Round exactly, half-up, to ``step`` (a power of ten): the one rounding a published
    number gets."""
    if isinstance(value, Decimal):
        return value.quantize(step, rounding=ROUND_HALF_UP)
    return _half_up_ratio(value.numerator, value.denominator, -step.as_tuple().exponent)


def grade_of(converted: Decimal) -> Grade:
    """Return the grade of a converted value already rounded to 0.01."""
    for grade in GRADES:
        if converted >= grade.lower_bound:
            return grade
    return GRADES[-1]


def to_converted(index: Fraction) -> Decimal:
    """Return the converted value (25.00-100.00) of an exact index, half-up to 0.01."""
    return _half_up_ratio(index.numerator * CONVERSION, index.denominator, 2)


@dataclass(frozen=True)
class UnsurScore:
    """One unsur of a slice: how many answered it and the sum of their answers."""

    code: str
    respondents: int  # how many answered this unsur
    total: int  # the sum of their answers

    @cached_property
    def exact(self) -> Fraction:
        """Return the NRR as an exact fraction."""
        return Fraction(self.total, self.respondents)

    @cached_property
    def converted(self) -> Decimal:
        return _half_up_ratio(self.total * CONVERSION, self.respondents, 2)

    @cached_property
    def grade(self) -> Grade:
        return grade_of(self.converted)

    @cached_property
    def nrr(self) -> Decimal:
        """Return the NRR (1.00-4.00), half-up to 0.01 from the exact fraction."""
        return _half_up_ratio(self.total, self.respondents, 2)


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

    @cached_property
    def nrr(self) -> dict[str, Decimal]:
        return {code: u.nrr for code, u in self.unsur.items()}

    @cached_property
    def index(self) -> Decimal | None:
        return None if self.exact_index is None else half_up(self.exact_index, DISPLAY)

    @cached_property
    def converted(self) -> Decimal | None:
        return None if self.exact_index is None else to_converted(self.exact_index)

    @cached_property
    def grade(self) -> str | None:
        return None if self.converted is None else grade_of(self.converted).letter

    @cached_property
    def label(self) -> str | None:
        return None if self.converted is None else grade_of(self.converted).label

    @cached_property
    def weakest(self) -> UnsurScore | None:
        """Return the unsur with the lowest NRR (ties: the first in code order)."""
        if not self.unsur:
            return None
        return min(self.unsur.values(), key=lambda u: (u.exact, u.code))


_KEYS = {code: [(value, count_key(code, value)) for value in SCALE] for code in UNSUR_CODES}


def _unsur_scores(stats: Statistics, codes: Iterable[str]) -> dict[str, UnsurScore]:
    scores = {}
    counts = stats.counts
    for code in codes:
        answered = total = 0
        for value, key in _KEYS[code]:
            n = counts[key]
            answered += n
            total += value * n
        if answered:
            scores[code] = UnsurScore(code, answered, total)
    return scores


def _mean_of_nrr(unsur: Mapping[str, UnsurScore]) -> Fraction:
    """Return (1/k) * sum of total_i / answered_i over the k answered unsur, exactly."""
    common = math.lcm(*(u.respondents for u in unsur.values()))
    numerator = sum(u.total * (common // u.respondents) for u in unsur.values())
    return Fraction(numerator, common * len(unsur))


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
    # Variance of the respondents' own means over n, from the scaled integer sums:
    # (n * S2 - S1^2) / (n^2 (n - 1) M^2), M = MEAN_SCALE; never below zero.
    spread = max(n * stats.mean_sq_sum - stats.mean_sum * stats.mean_sum, 0)
    scale = n * n * (n - 1) * MEAN_SCALE * MEAN_SCALE
    if population is not None and population > 1:
        spread *= max(population - n, 0)
        scale *= population - 1
    half_width = Z_95 * CONVERSION * (Decimal(spread) / Decimal(scale)).sqrt()
    centre = Decimal(index.numerator * CONVERSION) / Decimal(index.denominator)
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
    index = _mean_of_nrr(unsur)
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

    Its ``respondents`` is the fewest answers either unsur got: every part of the
    number rests on at least that many, which is what sufficiency must be judged on
    (30 respondents of whom 2 answered U7 do not make a personal index). Its
    ``interval`` is left out: the respondent sums cover all nine unsur.
    """
    if not stats.respondents:
        return Score(respondents=0)
    unsur = _unsur_scores(stats, PERSONAL_UNSUR)
    if set(unsur) != set(PERSONAL_UNSUR):
        # One of the two unanswered by everyone: the index would be the other alone.
        return Score(respondents=0)
    respondents = min(u.respondents for u in unsur.values())
    index = _mean_of_nrr(unsur)
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
    # Exact, on integers. Summing the groups' Fractions one by one costs a gcd of ever
    # longer numbers at each step (a Pemda's 1,600 employees have hundreds of different
    # respondent counts, so the common denominator runs to thousands of bits); putting
    # every term over lcm(n_i) first leaves a handful of Fraction operations in all.
    stats = list(filled.values())
    m, g = MEAN_SCALE, len(stats)
    total = sum(s.respondents for s in stats)
    mean_total = sum(s.mean_sum for s in stats)  # mu = mean_total / (m * total)
    lcm = math.lcm(*{s.respondents for s in stats})
    # sum_i (mean_sq_sum_i / m^2 - n_i m_i^2) = (sum_i mean_sq_sum_i - sum_i a_i^2 / n_i) / m^2
    within_ss = Fraction(
        sum(s.mean_sq_sum for s in stats) * lcm
        - sum(s.mean_sum**2 * (lcm // s.respondents) for s in stats),
        lcm * m * m,
    )
    dof = total - g
    s2 = within_ss / dof if dof > 0 else Fraction(0)
    if g > 1:
        # m_i - mu = d_i / (m * total * n_i), with d_i = a_i * total - mean_total * n_i
        spread = Fraction(
            sum(
                (s.mean_sum * total - mean_total * s.respondents) ** 2 * (lcm // s.respondents) ** 2
                for s in stats
            ),
            (lcm * m * total) ** 2,
        )
        inverse_n = Fraction(sum(lcm // s.respondents for s in stats), lcm)
        t2 = max(spread / (g - 1) - s2 * inverse_n / g, Fraction(0))
    else:
        t2 = Fraction(0)
    tn, td, sn, sd = t2.numerator, t2.denominator, s2.numerator, s2.denominator
    result = {}
    for key, s in filled.items():
        n = s.respondents
        # B_i = t2 / (t2 + s2 / n) = p / r; the estimate mu + B_i (m_i - mu) is then
        # (mean_total * r * n + p * d_i) / (m * total * r * n).
        p = tn * n * sd
        r = p + sn * td
        if r == 0:  # t2 = s2 = 0: every respondent gave the same mean; keep the group's own
            p = r = 1
        d = s.mean_sum * total - mean_total * n
        numerator = mean_total * r * n + p * d
        result[key] = _half_up_ratio(numerator * CONVERSION, m * total * r * n, 2)
    return result
