"""The JSON shapes of the appraisal API: they generate ``/api/v1/openapi.json``
(flask-smorest), parse the query, and are the contract every answer is checked against.

The objects themselves are built by ``portal.services.appraisal`` in exactly these
shapes, so an answer is sent as built (decision record 0007); tests dump each kind of
answer through its schema and require it unchanged. A field that is null when a number
may not be shown says so.
"""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from portal.services import appraisal as service


class _Strict(ma.Schema):
    class Meta:
        ordered = True


class UnitRef(_Strict):
    id = fields.Integer(required=True)
    name = fields.String(required=True)


class PeriodRef(_Strict):
    id = fields.String(required=True, metadata={"description": "2026, 2026-S2, 2026-Q3 or 2026-07"})
    start = fields.String(
        required=True, metadata={"format": "date", "description": "First local day."}
    )
    end = fields.String(
        required=True, metadata={"format": "date", "description": "Last local day (included)."}
    )
    status = fields.String(required=True, validate=validate.OneOf([service.OPEN, service.CLOSED]))


class Interval(_Strict):
    low = fields.Float(required=True)
    high = fields.Float(required=True)


class Unsur(_Strict):
    code = fields.String(required=True, metadata={"description": "U1 to U9"})
    name = fields.String(required=True)
    respondents = fields.Integer(required=True, metadata={"description": "Who answered it."})
    nrr = fields.Float(
        required=True,
        allow_none=True,
        metadata={"description": "Average answer, 1.00-4.00; null below the minimum."},
    )
    grade = fields.String(required=True, allow_none=True)


_HEADLINE = {
    "respondents": fields.Integer(required=True),
    "valid": fields.Boolean(
        required=True, metadata={"description": "Whether the numbers may be used at all."}
    ),
    "reason": fields.String(
        required=True,
        allow_none=True,
        validate=validate.OneOf([service.NO_RESPONSES, service.TOO_FEW]),
        metadata={"description": "Why not valid; null when valid."},
    ),
    "ikm": fields.Float(
        required=True, allow_none=True, metadata={"description": "IKM, 1-4 (4 decimals)."}
    ),
    "score": fields.Float(
        required=True, allow_none=True, metadata={"description": "Converted IKM, 25-100."}
    ),
    "grade": fields.String(required=True, allow_none=True, metadata={"description": "A-D"}),
    "label": fields.String(required=True, allow_none=True),
    "ci95": fields.Nested(
        Interval,
        required=True,
        allow_none=True,
        metadata={"description": "95% interval of the converted score; null below 2."},
    ),
}


class PersonalIndex(_Strict):
    value = fields.Float(required=True, allow_none=True)
    respondents = fields.Integer(required=True)
    valid = fields.Boolean(required=True)


class Thresholds(_Strict):
    above = fields.Float(required=True)
    meets = fields.Float(required=True)


class Excluded(_Strict):
    count = fields.Integer(required=True)
    by_reason = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True)


class EmployeeScore(_Strict):
    nip = fields.String(required=True)
    name = fields.String(required=True)
    unit = fields.Nested(UnitRef, required=True)
    period = fields.Nested(PeriodRef, required=True)
    locals().update(_HEADLINE)
    minimum_respondents = fields.Integer(required=True)
    unsur = fields.List(fields.Nested(Unsur), required=True)
    personal_index = fields.Nested(PersonalIndex, required=True)
    suggested_expectation = fields.String(
        required=True, allow_none=True, validate=validate.OneOf(["above", "meets", "below"])
    )
    expectation_thresholds = fields.Nested(Thresholds, required=True)
    excluded_responses = fields.Nested(Excluded, required=True)
    method = fields.String(required=True)
    snapshot_id = fields.Integer(required=True, allow_none=True)


class ChildScore(_Strict):
    unit = fields.Nested(UnitRef, required=True)
    locals().update(_HEADLINE)


class UnitScore(_Strict):
    unit = fields.Nested(UnitRef, required=True)
    period = fields.Nested(PeriodRef, required=True)
    locals().update(_HEADLINE)
    unsur = fields.List(fields.Nested(Unsur), required=True)
    children = fields.List(fields.Nested(ChildScore), required=True)
    method = fields.String(required=True)
    snapshot_id = fields.Integer(required=True, allow_none=True)


class ScoresPage(_Strict):
    period = fields.Nested(PeriodRef, required=True)
    snapshot_id = fields.Integer(required=True, allow_none=True)
    items = fields.List(fields.Nested(EmployeeScore), required=True)
    next_cursor = fields.String(
        required=True, allow_none=True, metadata={"description": "null on the last page."}
    )


class Snapshot(_Strict):
    id = fields.Integer(required=True)
    version = fields.Integer(required=True)
    closed_at = fields.AwareDateTime(required=True, metadata={"description": "UTC"})
    reopened_at = fields.AwareDateTime(required=True, allow_none=True)
    current = fields.Boolean(required=True)


class KnownPeriod(_Strict):
    id = fields.String(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(list(service.KINDS)))
    start = fields.String(required=True, metadata={"format": "date"})
    end = fields.String(required=True, metadata={"format": "date"})
    status = fields.String(required=True, validate=validate.OneOf([service.OPEN, service.CLOSED]))
    snapshots = fields.List(fields.Nested(Snapshot), required=True)


class PeriodList(_Strict):
    items = fields.List(fields.Nested(KnownPeriod), required=True)


class Problem(_Strict):
    type = fields.String(required=True)
    title = fields.String(required=True)
    status = fields.Integer(required=True)
    detail = fields.String()


# The period codes the API reports on (surveys.periods parses them; 2000-2100).
PERIOD_PATTERN = r"^(20[0-9]{2}|2100)(-(0[1-9]|1[0-2])|-[Qq][1-4]|-[Ss][12])?$"


class PeriodQuery(_Strict):
    period = fields.String(
        required=True,
        validate=validate.Regexp(
            PERIOD_PATTERN, error="Not a period: use 2026, 2026-S2, 2026-Q3 or 2026-07."
        ),
        metadata={"description": "2026, 2026-S2, 2026-Q3 or 2026-07"},
    )
    snapshot = fields.Integer(
        validate=validate.Range(min=1, max=2**31 - 1),
        metadata={"description": "Read an earlier snapshot of a closed period by id."},
    )


class ScoresQuery(PeriodQuery):
    unit = fields.Integer(
        validate=validate.Range(min=1, max=2**31 - 1),
        metadata={"description": "Only employees of this unit and the units below it."},
    )
    cursor = fields.String(
        validate=validate.Regexp(r"^[0-9]{18}$", error="Not a cursor this API gave out."),
        metadata={"description": "next_cursor of the previous page (the last NIP it held)."},
    )
    limit = fields.Integer(
        validate=validate.Range(min=1, max=1000), metadata={"description": "Page size, 1-1000."}
    )
