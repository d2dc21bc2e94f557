"""QR poster cost: 1,000 counters' posters in one PDF, against encoding their codes alone.

Issue 15's budget: 1,000 counters' posters render in under 30 seconds. It times, in one
run, ``portal.posters.render`` for 1,000 A4 and 1,000 A6 posters, and as the baseline
the part no poster can skip: encoding the 1,000 QR codes (their module matrices).
With ``--weasyprint`` it also lays out the same posters as HTML with WeasyPrint, the
alternative decision 0010 measured and rejected.

    .venv/bin/python -m bench.posters [--count 1000] [--weasyprint]
"""

from __future__ import annotations

import argparse
import base64
import time

from portal import posters, qr


def items(count: int) -> list[posters.Poster]:
    return [
        posters.Poster(
            pemda="Pemerintah Kabupaten Lampung Selatan",
            unit=f"Dinas Kependudukan dan Pencatatan Sipil — Unit Layanan {n // 10 + 1:03d}",
            counter=f"Loket {n % 10 + 1} — Perekaman KTP-el",
            url=f"https://skm.lampungselatankab.go.id/s/WyJjIiw{n:05d}LDFd.jGhmDHKNFH-uCEr9HIiFgM",
        )
        for n in range(count)
    ]


def weasyprint_pdf(batch: list[posters.Poster]) -> bytes:
    import weasyprint

    pages = "".join(
        f"<section><p>{p.pemda}</p><p>{p.unit}</p><h1>{posters.CALL}</h1><p>{posters.SCAN}</p>"
        f'<img src="data:image/png;base64,{base64.b64encode(qr.png(p.url, 4)).decode()}">'
        f"<h2>{p.counter}</h2><p>{p.url}</p></section>"
        for p in batch
    )
    css = "@page{size:A6;margin:8mm}section{break-after:page;text-align:center}img{width:62mm}"
    return weasyprint.HTML(string=f"<style>{css}</style>{pages}").write_pdf()


def timed(fn):
    started = time.perf_counter()
    result = fn()
    return time.perf_counter() - started, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--weasyprint", action="store_true")
    args = parser.parse_args()
    batch = items(args.count)
    base, _ = timed(lambda: [posters._matrix(p.url) for p in batch])
    a4, pdf_a4 = timed(lambda: posters.render(batch, "a4"))
    a6, pdf_a6 = timed(lambda: posters.render(batch, "a6"))
    print(f"{args.count:,} posters")
    print(
        f"  A4 (ReportLab)              {a4:6.1f} s  {len(pdf_a4) / 1e6:5.1f} MB  {a4 / base:4.1f}x"
    )
    print(
        f"  A6 (ReportLab)              {a6:6.1f} s  {len(pdf_a6) / 1e6:5.1f} MB  {a6 / base:4.1f}x"
    )
    print(f"  baseline: QR encoding only  {base:6.1f} s")
    if args.weasyprint:
        html, pdf = timed(lambda: weasyprint_pdf(batch))
        print(f"  A6 as HTML (WeasyPrint)     {html:6.1f} s  {len(pdf) / 1e6:5.1f} MB")
    worst = max(a4, a6)
    verdict = "met" if worst < 30 else "NOT MET"
    print(f"budget: {args.count:,} posters in under 30 s: {verdict} (slowest {worst:.1f} s)")


if __name__ == "__main__":
    main()
