from fractions import Fraction

from surveys import statistics
from surveys.statistics import MEAN_SCALE


def test_one_response_counts_each_answer_and_its_own_mean():
    stats = statistics.of_response({"U1": 4, "U2": 3, "U3": None})
    assert stats.respondents == 1
    assert stats.counts["u1_4"] == 1 and stats.counts["u2_3"] == 1
    assert sum(stats.counts.values()) == 2
    assert Fraction(stats.mean_sum, MEAN_SCALE) == Fraction(7, 2)
    assert Fraction(stats.mean_sq_sum, MEAN_SCALE**2) == Fraction(49, 4)


def test_a_response_with_no_answers_contributes_nothing():
    assert statistics.of_response({"U1": None}) == statistics.Statistics()


def test_statistics_add_up_exactly_for_every_denominator():
    responses = [{f"U{n}": (n % 4) + 1 for n in range(1, k + 1)} for k in range(1, 10)]
    total = statistics.of_responses(responses)
    expected = sum(Fraction(sum(r.values()), len(r)) for r in responses)
    assert total.respondents == 9
    assert total.respondent_mean() == expected / 9
    assert statistics.Statistics.from_columns(total.as_columns()) == total


def test_an_empty_slice_has_no_mean():
    assert statistics.Statistics().respondent_mean() is None
