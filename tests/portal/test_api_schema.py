"""The API against its own OpenAPI document, by schemathesis: generated requests to every
operation, with and without a key; no 5xx, no answer that breaks the document."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings

from portal.extensions import db
from portal.services import api_clients, appraisal, feedback, snapshots
from surveys import periods
from tests import factories

JULY = dt.datetime(2026, 7, 10, 3, 0)


@pytest.fixture
def keyed(app):
    root = factories.unit("Pemerintah Kota Pangkalpinang", kind="pemda")
    unit = factories.unit("Disdukcapil", parent=root)
    person = factories.employee(unit, "Siti Rahmawati", nip="198703152010012001")
    target = feedback.target_for(db.session, unit, card_employee=person)
    for n in range(31):
        factories.respond(target, {"U1": 1 + n % 4, "U6": 4, "U7": 3}, at=JULY, commit=False)
    _, key = api_clients.create(db.session, "schemathesis", by="admin")
    db.session.commit()
    # A closed month too: its answers are sent as frozen, and must keep the document.
    snapshots.close(
        db.session,
        periods.parse("2026-07"),
        by="test",
        settings=appraisal.Settings(app.config["APPRAISAL_THRESHOLDS"]),
        policy=app.config["REPORT_POLICY"],
        grace_days=3,
        now=dt.datetime(2026, 8, 10),
    )
    db.session.commit()
    return key


@pytest.mark.slow  # hundreds of generated requests: make test runs it, test-fast does not
@pytest.mark.parametrize("app", ["sqlite"], indirect=True)
def test_every_operation_keeps_its_documented_contract(app, keyed):
    import schemathesis  # here, not at the top: collecting test-fast need not import it

    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 4
    for operation in operations:
        # identity: the WSGI client does not undo Flask-Compress as an HTTP client would.
        for headers in ({"Authorization": f"Bearer {keyed}"}, {}):
            _check(operation, {**headers, "Accept-Encoding": "identity"})


def _check(operation, headers):
    @given(case=operation.as_strategy())
    @settings(
        max_examples=30, deadline=None, database=None, suppress_health_check=list(HealthCheck)
    )
    def check(case):
        response = case.call(headers=headers)
        assert response.status_code < 500, (case.formatted_path, response.text)
        case.validate_response(response, headers=headers)

    check()
