"""An employee's NIP is checked wherever an employee is created."""

import pytest

from portal.models import Employee
from surveys.errors import InvalidNIP
from tests import factories


def test_a_valid_nip_is_stored_without_separators(session):
    employee = factories.employee(factories.unit(), nip="19870315 201001 2 004")
    assert employee.nip == "198703152010012004"


@pytest.mark.parametrize("bad", ["123", "198702302010012004", "198703152010013004"])
def test_an_invalid_nip_is_refused(session, bad):
    with pytest.raises(InvalidNIP):
        Employee(nip=bad, name="X", unit=factories.unit())


@pytest.mark.parametrize("order", ["kind first", "nip first"])
def test_a_pppk_number_is_accepted_whatever_the_argument_order(session, order):
    pppk = "199001102021212003"  # digits 13-14 "21": a PPPK code, not a month
    if order == "kind first":
        kwargs = {"kind": "pppk", "nip": pppk}
    else:
        kwargs = {"nip": pppk, "kind": "pppk"}
    assert Employee(name="Y", **kwargs).nip == pppk


def test_the_same_number_is_refused_for_a_pns(session):
    with pytest.raises(InvalidNIP):
        Employee(nip="199001102021212003", kind="pns", name="Z")


def test_a_nip_is_read_as_pns_unless_told_otherwise(session):
    with pytest.raises(InvalidNIP, match="appointment month"):
        Employee(nip="199001102021212003", name="Z")
