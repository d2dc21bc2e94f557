"""Service time: a response credits whom its page showed, on the day it was opened."""

import datetime as dt

import pytest

from surveys.attribution import CLOCK_SKEW, DEFAULT_WINDOW, Attribution, Opening, credit

OPENED = dt.datetime(2026, 3, 2, 7, 59, 2)  # 14:59:02 WIB


def test_answers_sent_after_a_shift_change_credit_whom_the_page_showed():
    result = credit(Opening(OPENED, shown_employee_id=7), OPENED + dt.timedelta(seconds=88))
    assert result.employee_id == 7 and result.attribution == Attribution.ROSTER
    assert result.counts_at == OPENED and result.opened_at == OPENED


def test_a_page_that_showed_nobody_credits_nobody():
    result = credit(Opening(OPENED, None), OPENED + dt.timedelta(minutes=3))
    assert result.employee_id is None and result.attribution == Attribution.NONE
    assert result.counts_at == OPENED


def test_a_personal_card_credits_its_employee_within_the_window():
    result = credit(Opening(OPENED, 9), OPENED + dt.timedelta(minutes=5), card_employee_id=9)
    assert (result.employee_id, result.attribution) == (9, Attribution.CARD)


@pytest.mark.parametrize("card", [None, 9])
def test_beyond_the_window_it_counts_on_the_opening_day_and_credits_nobody(card):
    late = OPENED + DEFAULT_WINDOW + dt.timedelta(seconds=1)
    result = credit(Opening(OPENED, 9), late, card_employee_id=card)
    assert result.employee_id is None and result.attribution == Attribution.LATE
    assert result.counts_at == OPENED and result.opened_at == OPENED


def test_exactly_at_the_window_still_credits():
    result = credit(Opening(OPENED, 7), OPENED + DEFAULT_WINDOW)
    assert result.employee_id == 7


def test_the_window_is_configurable():
    result = credit(
        Opening(OPENED, 7), OPENED + dt.timedelta(minutes=11), window=dt.timedelta(minutes=10)
    )
    assert result.attribution == Attribution.LATE


def test_without_a_valid_record_it_counts_when_it_arrived_and_credits_nobody():
    arrived = OPENED + dt.timedelta(hours=30)
    result = credit(None, arrived)
    assert result.counts_at == arrived and result.opened_at is None
    assert result.employee_id is None and result.attribution == Attribution.UNVERIFIED


def test_an_opening_from_the_future_is_not_ours():
    arrived = OPENED - CLOCK_SKEW - dt.timedelta(seconds=1)
    assert credit(Opening(OPENED, 7), arrived).attribution == Attribution.UNVERIFIED


def test_a_little_clock_skew_between_servers_is_tolerated():
    arrived = OPENED - dt.timedelta(seconds=20)
    result = credit(Opening(OPENED, 7), arrived)
    assert result.employee_id == 7 and result.counts_at == arrived
