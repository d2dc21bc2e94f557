import datetime as dt

import pytest

from surveys import nip
from surveys.errors import InvalidNIP

TODAY = dt.date(2026, 11, 23)


def test_a_pns_nip_yields_birth_date_and_sex():
    parsed = nip.parse("19660801 198803 1 001", today=TODAY)
    assert parsed.value == "196608011988031001"
    assert parsed.birth_date == dt.date(1966, 8, 1)
    assert parsed.sex == "L"
    assert parsed.formatted == "19660801 198803 1 001"


@pytest.mark.parametrize(
    "raw", ["198703152010012004", "19870315.201001.2.004", "19870315-201001-2-004"]
)
def test_separators_people_type_are_accepted(raw):
    assert nip.parse(raw, today=TODAY).value == "198703152010012004"


def test_a_pppk_nip_has_a_code_where_pns_have_a_month():
    # Digits 13-14 are "21": no month, but a valid PPPK code.
    assert nip.parse("199001102021212003", nip.Kind.PPPK, today=TODAY).sex == "P"
    with pytest.raises(InvalidNIP, match="appointment month"):
        nip.parse("199001102021212003", nip.Kind.PNS, today=TODAY)


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        ("19870315201001200", "18 digits"),
        ("1987031520100120041", "18 digits"),
        ("19870315201001200A", "18 digits"),
        ("١٩٨٧٠٣١٥٢٠١٠٠١٢٠٠٤", "18 digits"),  # Arabic-Indic digits pass isdigit()
        ("198702302010012004", "birth date"),
        ("202503152010012004", "not plausible"),
        ("198703152010132004", "appointment month"),
        ("198703152030012004", "appointment year"),
        ("198703152010013004", "1 \\(male\\) or 2"),
        ("198703152010012000", "serial"),
        ("", "18 digits"),
    ],
)
def test_invalid_nips_say_what_is_wrong(raw, problem):
    with pytest.raises(InvalidNIP, match=problem):
        nip.parse(raw, today=TODAY)
    assert not nip.is_valid(raw)
