"""The demo Pemda that `make run` loads."""

import datetime as dt
import re
from urllib.parse import urlsplit

from sqlalchemy import func, select

from portal.models import Attribution, DutyShift, Employee, Response, Unit, UnitKind
from portal.services import rollups
from surveys import nip
from tests.conftest import ALL_FOURS, SurveyClient


def _load(runner):
    result = runner.invoke(args=["demo-data", "--if-empty"])
    assert result.exit_code == 0, result.output
    return result


def test_demo_data_is_a_plausible_pemda(runner, session):
    _load(runner)
    names = set(session.scalars(select(Unit.name)))
    assert {"Dinas Kependudukan dan Pencatatan Sipil", "Dinas Kesehatan"} <= names
    assert session.scalar(select(func.count()).where(Unit.kind == UnitKind.OPD)) >= 2
    employees = session.scalars(select(Employee)).all()
    assert len(employees) >= 6
    assert all(nip.is_valid(e.nip) for e in employees)

    first, last = session.execute(
        select(func.min(Response.submitted_at), func.max(Response.submitted_at))
    ).one()
    assert last - first >= dt.timedelta(days=59)
    by_attribution = dict(
        session.execute(
            select(Response.attribution, func.count()).group_by(Response.attribution)
        ).all()
    )
    assert by_attribution.get(Attribution.ROSTER, 0) > 500
    # Office shifts start at 08:00 local; the 24-hour UGD also runs an overnight shift.
    starts = set(session.scalars(select(DutyShift.starts)))
    assert dt.time(8) in starts and dt.time(23) in starts

    before = [rollups.bucket_statistics(session, grain) for grain in rollups.GRAINS]
    rollups.rebuild(session)
    assert [rollups.bucket_statistics(session, grain) for grain in rollups.GRAINS] == before


def test_demo_info_prints_working_links_and_loading_again_changes_nothing(runner, client, session):
    _load(runner)
    count = session.scalar(select(func.count()).select_from(Response))
    second = _load(runner)
    assert "already has data" in second.output
    assert session.scalar(select(func.count()).select_from(Response)) == count
    refused = runner.invoke(args=["demo-data"])
    assert refused.exit_code != 0 and "not empty" in refused.output

    output = runner.invoke(args=["demo-info"]).output
    logins = re.findall(r"^login: (\S+) (\S+) (\S+)$", output, re.M)
    assert {role for role, _, _ in logins} == {"admin", "leadership", "unit_head", "employee"}
    surveys = re.findall(r"^survey: (http://survey\.test/s/\S+)  (.+) / (.+)$", output, re.M)
    assert len(surveys) >= 3
    citizen = SurveyClient(client)
    paths = [urlsplit(url).path for url, _, _ in surveys]
    for path, (_, unit, counter) in zip(paths, surveys, strict=True):
        page = client.get(path)
        assert page.status_code == 200
        assert unit in page.get_data(as_text=True) and counter in page.get_data(as_text=True)
    assert citizen.submit(paths[0], ALL_FOURS).status_code == 303

    from tests.conftest import hidden_fields

    for _, username, password in logins:
        token = hidden_fields(client.get("/masuk").get_data(as_text=True))["csrf_token"]
        result = client.post(
            "/masuk", data={"username": username, "password": password, "csrf_token": token}
        )
        assert result.status_code == 302, username
        # A login starts a new session, with a new form token.
        token = hidden_fields(client.get("/akun/kata-sandi").get_data(as_text=True))["csrf_token"]
        client.post("/keluar", data={"csrf_token": token})
