"""Run axe-core in a page and return its WCAG 2.1 A/AA violations.

A reusable check for every page a person sees: survey, thank-you and error pages
now, dashboards and admin pages later. axe-core comes from npm (``make test`` runs
``npm ci``); without it the calling test is skipped with the reason, unless
``REQUIRE_BROWSER=1`` makes that a failure.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def axe_source() -> str:
    if not AXE.exists():
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(f"REQUIRE_BROWSER=1 but axe-core is missing at {AXE} (run npm ci)")
        pytest.skip(f"axe-core not installed at {AXE}: run `npm ci` (make test does)")
    return AXE.read_text()


def violations(page, tags=WCAG_21_AA) -> list[dict]:
    """Return axe's violations for the page as it is now, one line per failing node.

    The page's context must be created with ``bypass_csp=True``: our Content Security
    Policy rightly refuses the injected script otherwise.
    """
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=axe_source())
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})",
        tags,
    )
    return [
        {"rule": v["id"], "impact": v["impact"], "help": v["help"], "target": node["target"]}
        for v in result["violations"]
        for node in v["nodes"]
    ]
