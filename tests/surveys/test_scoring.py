"""IKM per PermenPAN-RB 14/2017: exact, rounded once, graded by the regulation's bands."""

import decimal
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from surveys import scoring
from surveys.instruments import UNSUR_CODES
from surveys.policy import ReportPolicy
from surveys.statistics import Statistics, of_responses

ALL = UNSUR_CODES


def _stats(**counts) -> Statistics:
    """Statistics of single-unsur respondents, e.g. _stats(u1_4=2661, u1_3=2339)."""
    stats = Statistics()
    for key, n in counts.items():
        stats.counts[key] = n
    stats.respondents = sum(counts.values())
    return stats


def test_one_respondent_answering_4_everywhere_scores_100_a():
    result = scoring.ikm([{code: 4 for code in ALL}])
    assert result.respondents == 1
    assert result.index == Decimal("4")
    assert result.converted == Decimal("100.00")
    assert (result.grade, result.label) == ("A", "Sangat Baik")
    assert result.nrr == {code: Decimal("4") for code in ALL}


def test_the_rounded_weight_0_111_is_not_used():
    # 9 x 0.111 x 4 x 25 would be 99.90; the exact weight 1/9 gives 100.00.
    assert scoring.ikm([{code: 4 for code in ALL}] * 7).converted == Decimal("100.00")


def test_all_1_is_25_d():
    result = scoring.ikm([{code: 1 for code in ALL}])
    assert (result.converted, result.grade, result.label) == (Decimal("25.00"), "D", "Tidak Baik")


@pytest.mark.parametrize(
    ("counts", "converted", "grade"),
    [
        ({"u1_4": 2661, "u1_3": 2339}, "88.31", "A"),  # 88.305 exactly: half-up
        ({"u1_4": 2660, "u1_3": 2340}, "88.30", "B"),
        ({"u1_4": 161, "u1_3": 2339}, "76.61", "B"),
        ({"u1_4": 321, "u1_3": 4679}, "76.61", "B"),  # 76.605 exactly: half-up
        ({"u1_4": 160, "u1_3": 2340}, "76.60", "C"),
        ({"u1_3": 3, "u1_2": 2}, "65.00", "C"),
        ({"u1_3": 1499, "u1_2": 1001}, "64.99", "D"),
    ],
)
def test_both_sides_of_every_grade_boundary(counts, converted, grade):
    result = scoring.from_statistics(_stats(**counts))
    assert result.converted == Decimal(converted)
    assert result.grade == grade
    assert result.unsur["U1"].grade.letter == grade


@pytest.mark.parametrize(
    ("value", "letter"),
    [
        ("100.00", "A"),
        ("88.31", "A"),
        ("88.30", "B"),
        ("76.61", "B"),
        ("76.60", "C"),
        ("65.00", "C"),
        ("64.99", "D"),
        ("25.00", "D"),
    ],
)
def test_grade_bands(value, letter):
    assert scoring.grade_of(Decimal(value)).letter == letter


def test_rounding_is_exact_not_via_a_truncated_decimal():
    just_below = Fraction(88305, 1000) - Fraction(1, 10**40)
    assert scoring.half_up(just_below) == Decimal("88.30")
    assert scoring.half_up(Fraction(88305, 1000)) == Decimal("88.31")


def test_blanks_are_not_answered():
    result = scoring.ikm([{"U1": 4, "U2": None}, {"U1": 2, "U2": 3}])
    assert result.respondents == 2
    assert result.unsur["U1"].respondents == 2 and result.unsur["U2"].respondents == 1
    assert result.nrr == {"U1": Decimal("3"), "U2": Decimal("3")}
    assert set(result.unsur) == {"U1", "U2"}  # k = 2: only unsur answered at least once


def test_no_responses_is_a_result_that_says_so():
    for result in (scoring.ikm([]), scoring.ikm([{"U1": None}])):
        assert not result.has_data and result.respondents == 0
        assert result.converted is None and result.grade is None and result.index is None
        assert result.weakest is None and result.interval is None


def test_the_weakest_unsur_is_the_lowest_nrr():
    answers = {code: 4 for code in ALL} | {"U8": 2, "U9": 3}
    assert scoring.ikm([answers]).weakest.code == "U8"


def test_personal_index_reads_u6_and_u7_only():
    result = scoring.personal(of_responses([{"U1": 1, "U6": 4, "U7": 3}, {"U6": 2}]))
    assert set(result.unsur) == {"U6", "U7"}
    assert result.index == Decimal("3.0000")  # (3 + 3) / 2
    assert scoring.personal(of_responses([{"U1": 4}])).respondents == 0


def test_the_interval_widens_with_spread_and_narrows_with_more_respondents():
    same = scoring.ikm([{code: 3 for code in ALL}] * 10)
    assert same.interval == (Decimal("75.00"), Decimal("75.00"))
    mixed = [{code: v for code in ALL} for v in (1, 2, 3, 4)]
    few, many = scoring.ikm(mixed), scoring.ikm(mixed * 25)
    assert few.interval[0] < few.converted < few.interval[1]
    assert many.interval[1] - many.interval[0] < few.interval[1] - few.interval[0]
    assert Decimal(25) <= few.interval[0] and few.interval[1] <= Decimal(100)
    assert scoring.ikm(mixed[:1]).interval is None


def test_a_full_census_has_no_sampling_uncertainty():
    mixed = [{code: v for code in ALL} for v in (1, 2, 3, 4)]
    census = scoring.ikm(mixed, population=4)
    assert census.interval == (census.converted, census.converted)


@pytest.mark.parametrize(
    ("population", "sample"), [(100, 80), (1_000, 278), (10_000, 370), (1_000_000, 384), (0, 0)]
)
def test_krejcie_morgan_matches_the_regulations_table(population, sample):
    assert scoring.required_sample(population) == sample


def test_adequacy_compares_respondents_with_the_required_sample():
    assert scoring.adequacy(80, 100).adequate
    assert not scoring.adequacy(79, 100).adequate
    assert scoring.adequacy(5, None) is None


def test_person_scores_need_enough_responses():
    policy = ReportPolicy()
    assert not policy.sufficient_for_person(29)
    assert policy.sufficient_for_person(30)
    assert ReportPolicy(minimum_for_person=5).sufficient_for_person(5)
    with pytest.raises(ValueError):
        ReportPolicy(minimum_for_person=0)


def test_a_personal_index_counts_the_fewest_answers_of_its_unsur():
    # 30 respondents, of whom 30 answered U6 but only 2 answered U7: the index mixes in
    # an NRR from two people, so it rests on two respondents, not thirty.
    responses = [{"U1": 4, "U6": 4} for _ in range(28)] + [{"U1": 4, "U6": 1, "U7": 1}] * 2
    stats = of_responses(responses)
    assert stats.respondents == 30
    person = scoring.personal(stats)
    assert person.respondents == 2
    assert not ReportPolicy().sufficient_for_person(person.respondents)


def test_a_personal_index_needs_answers_to_both_of_its_unsur():
    # Nobody answered U7: an index of U6 alone would pass as the personal index.
    person = scoring.personal(of_responses([{"U1": 4, "U6": 4}] * 40))
    assert person.respondents == 0 and not person.has_data and person.converted is None


def test_an_nrr_is_rounded_once_from_the_exact_fraction():
    # 152/101 = 1.50495...: rounding 1.5050 (four places) to two would give 1.51.
    unsur = scoring.UnsurScore("U3", respondents=101, total=152)
    assert unsur.nrr == Decimal("1.50")


def _uniform(values, times):
    return [{code: v for code in ALL} for v in values] * times


def test_shrinkage_pulls_a_single_perfect_answer_toward_the_pooled_mean():
    groups = {
        "a": of_responses(_uniform([4, 3, 2], 30)),  # mean 3.00 over 90
        "b": of_responses(_uniform([4, 4, 3, 2], 25)),  # mean 3.25 over 100
        "c": of_responses(_uniform([4, 3, 3, 2], 25)),  # mean 3.00 over 100
        "new": of_responses(_uniform([4], 1)),  # one perfect answer
    }
    result = scoring.shrunken(groups)
    raw_b = scoring.from_statistics(groups["b"]).converted
    # One answer of 100.00 becomes about the others' level...
    assert Decimal("75") < result["new"] < Decimal("85")
    # ...while a group with a hundred responses keeps nearly its own mean.
    assert abs(result["b"] - raw_b) < Decimal("0.5")


def test_shrinkage_of_identical_groups_changes_nothing_between_them():
    same = {"a": of_responses(_uniform([4, 3], 10)), "b": of_responses(_uniform([4, 3], 10))}
    assert len(set(scoring.shrunken(same).values())) == 1
    assert scoring.shrunken({}) == {}


# --- properties: the additive path equals the raw path, and slices merge ---------------

answers = st.fixed_dictionaries({code: st.sampled_from([None, 1, 2, 3, 4]) for code in ALL})


def _reference(responses):
    """An independent, naive IKM: averages per unsur, then the mean, then half-up."""
    per_unsur = {}
    for response in responses:
        for code, value in response.items():
            if value is not None:
                per_unsur.setdefault(code, []).append(value)
    if not per_unsur:
        return None
    nrr = {code: Fraction(sum(v), len(v)) for code, v in per_unsur.items()}
    index = sum(nrr.values()) / len(nrr)
    with decimal.localcontext(decimal.Context(prec=100)):
        converted = (Decimal(index.numerator * 25) / Decimal(index.denominator)).quantize(
            Decimal("0.01"), rounding=decimal.ROUND_HALF_UP
        )
    return nrr, index, converted


@settings(max_examples=300, deadline=None)
@given(st.lists(answers, max_size=40))
def test_additive_statistics_score_exactly_like_the_raw_responses(responses):
    result = scoring.from_statistics(of_responses(responses))
    expected = _reference(responses)
    if expected is None:
        assert not result.has_data
        return
    nrr, index, converted = expected
    assert {c: u.exact for c, u in result.unsur.items()} == nrr
    assert result.exact_index == index
    assert result.converted == converted
    assert result == scoring.ikm(responses)


@settings(max_examples=200, deadline=None)
@given(st.lists(answers, max_size=25), st.lists(answers, max_size=25))
def test_merging_two_slices_equals_scoring_their_union(first, second):
    merged = of_responses(first) + of_responses(second)
    assert merged == of_responses(first + second)
    assert scoring.from_statistics(merged) == scoring.ikm(first + second)


def _textbook_shrinkage(groups):
    """The estimator exactly as its docstring states it, one Fraction at a time."""
    from surveys.statistics import MEAN_SCALE

    filled = {k: s for k, s in groups.items() if s.respondents}
    total = sum(s.respondents for s in filled.values())
    mu = Fraction(sum(s.mean_sum for s in filled.values()), MEAN_SCALE * total)
    means = {k: Fraction(s.mean_sum, MEAN_SCALE * s.respondents) for k, s in filled.items()}
    within = sum(
        Fraction(s.mean_sq_sum, MEAN_SCALE**2) - s.respondents * means[k] ** 2
        for k, s in filled.items()
    )
    dof, g = total - len(filled), len(filled)
    s2 = within / dof if dof > 0 else Fraction(0)
    t2 = Fraction(0)
    if g > 1:
        between = sum((means[k] - mu) ** 2 for k in filled) / (g - 1)
        t2 = max(between - sum(s2 / s.respondents for s in filled.values()) / g, Fraction(0))
    result = {}
    for k, s in filled.items():
        denominator = t2 + s2 / s.respondents
        weight = t2 / denominator if denominator else Fraction(1)
        result[k] = scoring.to_converted(mu + weight * (means[k] - mu))
    return result


_answers = st.lists(st.integers(min_value=1, max_value=4), min_size=1, max_size=9)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.lists(
            _answers.map(lambda v: dict(zip(UNSUR_CODES, v, strict=False))), min_size=1, max_size=12
        ),
        min_size=1,
        max_size=8,
    )
)
def test_shrinkage_equals_the_textbook_estimator_to_the_last_digit(group_answers):
    groups = {i: of_responses(answers) for i, answers in enumerate(group_answers)}
    assert scoring.shrunken(groups) == _textbook_shrinkage(groups)
