"""Employee import cost: 10,000 rows from one file, against a bare INSERT of the same rows.

Issue 15's budget: 10,000 rows imported in under 10 seconds. It times, in one run:

  (a) the whole import of a CSV and of an XLSX of N employees into an empty database:
      reading the file, checking every row (surveys.employee_rows), comparing with the
      stored employees, inserting, one audit event per employee, commit;
  (b) importing the same CSV again (everything unchanged: nothing written);
  (c) the baseline: one executemany INSERT of the same N rows, already parsed, and commit
      (the floor any import pays).

    .venv/bin/python -m bench.employee_import            # SQLite
    .venv/bin/python -m bench.employee_import --database-url postgresql+psycopg://root@127.0.0.1:5432/test
"""

from __future__ import annotations

import argparse
import io
import os
import shutil
import statistics
import tempfile
import time
import uuid
from pathlib import Path

import sqlalchemy as sa

from bench.national import make_nip

BUDGET_S = 10.0


def build_files(n: int, units: list[tuple[int, str]]) -> tuple[bytes, bytes, list[dict]]:
    from openpyxl import Workbook

    rows = []
    for serial in range(n):
        unit_id, unit_name = units[serial % len(units)]
        rows.append(
            {
                "nip": make_nip(serial),
                "name": f"Pegawai Nomor {serial:05d}",
                "position": "Pelaksana Layanan",
                "unit_id": unit_id,
                "unit": unit_name,
            }
        )
    text = io.StringIO()
    text.write("nip;nama;jabatan;unit kerja\n")
    for r in rows:
        text.write(f"{r['nip']};{r['name']};{r['position']};{r['unit']}\n")
    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(["NIP", "Nama", "Jabatan", "Unit Kerja"])
    for r in rows:
        sheet.append([r["nip"], r["name"], r["position"], r["unit"]])
    xlsx = io.BytesIO()
    book.save(xlsx)
    return text.getvalue().encode("utf-8"), xlsx.getvalue(), rows


def timed(fn) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def run(url: str, options: dict, n: int, repeat: int) -> dict:
    from portal import create_app
    from portal.extensions import db
    from portal.models import AuditEvent, Base, Employee
    from portal.services import employee_import, instruments, structure

    os.environ.setdefault("SECRET_KEY", "bench-import")
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SQLALCHEMY_ENGINE_OPTIONS": options})
    results: dict[str, list[float]] = {"csv": [], "xlsx": [], "again": [], "bare": []}
    with app.app_context():
        Base.metadata.create_all(db.engine)
        instruments.install(db.session)
        root = structure.create_unit(db.session, name="Pemkab Contoh", kind="pemda", by="bench")
        units = []
        for o in range(20):
            unit = structure.create_unit(
                db.session, name=f"Unit Layanan {o + 1:02d}", parent_id=root.id, by="bench"
            )
            units.append((unit.id, unit.name))
        db.session.commit()
        csv_bytes, xlsx_bytes, rows = build_files(n, units)

        def clear():
            db.session.close()
            with db.engine.begin() as conn:
                conn.execute(sa.text("DELETE FROM employee"))
            AuditEvent.__table__.drop(db.engine)
            AuditEvent.__table__.create(db.engine)
            from portal.models.audit import append_only_statements

            with db.engine.begin() as conn:
                for statement in append_only_statements(db.engine.dialect.name):
                    conn.exec_driver_sql(statement)

        def import_file(data: bytes, name: str):
            plan = employee_import.plan(db.session, data, name)
            assert not plan.problems, plan.problems[:3]
            if plan.new or plan.changed:
                employee_import.apply(db.session, plan, by="bench")
            db.session.commit()
            return plan

        def bare():
            db.session.execute(
                sa.insert(Employee),
                [
                    {
                        "nip": r["nip"],
                        "name": r["name"],
                        "position": r["position"],
                        "unit_id": r["unit_id"],
                        "kind": "pns",
                        "active": True,
                        "card_version": 1,
                    }
                    for r in rows
                ],
            )
            db.session.commit()

        for _ in range(repeat):
            clear()
            results["csv"].append(timed(lambda: import_file(csv_bytes, "bench.csv")))
            stored = db.session.scalar(sa.select(sa.func.count()).select_from(Employee))
            assert stored == n, stored
            results["again"].append(timed(lambda: import_file(csv_bytes, "bench.csv")))
            clear()
            results["xlsx"].append(timed(lambda: import_file(xlsx_bytes, "bench.xlsx")))
            clear()
            results["bare"].append(timed(bare))
        db.session.remove()
        db.engine.dispose()
    return {k: statistics.median(v) for k, v in results.items()} | {
        "csv_kb": len(csv_bytes) / 1024,
        "xlsx_kb": len(xlsx_bytes) / 1024,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"))
    args = parser.parse_args()
    workdir = admin = None
    if args.database_url:
        schema = f"bench_{uuid.uuid4().hex[:8]}"
        admin = sa.create_engine(args.database_url)
        with admin.begin() as conn:
            conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
        url, options, label = (
            args.database_url,
            {"connect_args": {"options": f"-csearch_path={schema}"}},
            "PostgreSQL",
        )
    else:
        workdir = Path(tempfile.mkdtemp(prefix="bench-import-"))
        url, options, label = f"sqlite:///{workdir / 'bench.sqlite3'}", {}, "SQLite (WAL)"
    try:
        r = run(url, options, args.rows, args.repeat)
    finally:
        if admin is not None:
            with admin.begin() as conn:
                conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()
        if workdir is not None:
            shutil.rmtree(workdir, ignore_errors=True)
    n = args.rows
    ratio_csv, ratio_xlsx = r["csv"] / r["bare"], r["xlsx"] / r["bare"]
    print(f"{label}: {n:,} employees, medians of {args.repeat} runs")
    print(f"  (a) import CSV ({r['csv_kb']:,.0f} KB)    {r['csv']:7.2f} s  {ratio_csv:5.1f}x bare")
    print(
        f"  (a) import XLSX ({r['xlsx_kb']:,.0f} KB)  {r['xlsx']:7.2f} s  {ratio_xlsx:5.1f}x bare"
    )
    print(f"  (b) the same CSV again         {r['again']:7.2f} s   (nothing written)")
    print(f"  (c) bare INSERT of the rows    {r['bare']:7.2f} s")
    worst = max(r["csv"], r["xlsx"])
    verdict = "met" if worst < BUDGET_S else "NOT MET"
    print(f"budget: {n:,} rows in under {BUDGET_S:.0f} s: {verdict} (slowest {worst:.2f} s)")


if __name__ == "__main__":
    main()
