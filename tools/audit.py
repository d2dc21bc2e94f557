"""Check the installed Python packages against known vulnerabilities (``make audit``).

Runs pip-audit over this environment (the exact versions the portal and its tests run
with; the portal itself, installed editable, is not on PyPI and is skipped) with each
vulnerability service in turn, OSV first, then PyPI's own advisory data:

- a known vulnerability in any installed package: exit 1, naming package, version,
  advisory and the fixed versions (CI goes red);
- no service could check (unreachable, or it knows none of the installed versions):
  say so plainly and exit 0, so a network fault does not make CI red;
- pip-audit failing for any other reason: exit 2.

docs/decisions/0011-supply-chain.md says what this checks and what it cannot.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

SERVICES = ("osv", "pypi")
# Signs that a service could not be reached, in pip-audit's error output.
UNREACHABLE = (
    "ConnectionError",
    "ConnectTimeout",
    "ReadTimeout",
    "Max retries exceeded",
    "Name or service not known",
    "Temporary failure in name resolution",
    "NameResolutionError",
    "Network is unreachable",
    "ServiceError",
    "HTTPError",
)
EDITABLE = "distribution marked as editable"


@dataclass
class Outcome:
    service: str
    status: str  # "ok", "vulnerable", "unchecked", "error"
    audited: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    findings: list[str] = field(default_factory=list)
    message: str = ""


def pip_audit_command(
    service: str, output: Path, timeout: int, requirement: Path | None = None
) -> list[str]:
    # A requirements file of exact pins is checked as written, without installing it.
    source = (
        ["--requirement", str(requirement), "--no-deps", "--disable-pip"] if requirement else []
    )
    return [
        sys.executable,
        "-m",
        "pip_audit",
        "--skip-editable",
        "--progress-spinner",
        "off",
        "--vulnerability-service",
        service,
        "--timeout",
        str(timeout),
        "--format",
        "json",
        "--output",
        str(output),
        *source,
    ]


def classify(service: str, returncode: int, report: str | None, stderr: str) -> Outcome:
    """Read one pip-audit run: its exit code, its JSON report (if any), its error text."""
    if report:
        dependencies = json.loads(report).get("dependencies", [])
        findings, audited, skipped = [], [], []
        for dep in dependencies:
            name = f"{dep['name']} {dep.get('version', '')}".strip()
            if dep.get("skip_reason"):
                if EDITABLE not in dep["skip_reason"]:
                    skipped.append(name)
                continue
            audited.append(name)
            for vuln in dep.get("vulns", []):
                fixed = ", ".join(vuln.get("fix_versions", [])) or "no fixed version yet"
                aliases = ", ".join(vuln.get("aliases", []))
                findings.append(
                    f"{name}: {vuln['id']}{f' ({aliases})' if aliases else ''}; fixed in {fixed}"
                )
        if findings:
            return Outcome(service, "vulnerable", audited, skipped, findings)
        if not audited:
            return Outcome(service, "unchecked", audited, skipped, message="it knows none of them")
        return Outcome(service, "ok", audited, skipped)
    if any(sign in stderr for sign in UNREACHABLE):
        last = stderr.strip().splitlines()[-1] if stderr.strip() else ""
        return Outcome(service, "unchecked", message=f"unreachable: {last[:200]}")
    return Outcome(service, "error", message=stderr.strip()[-2000:] or f"exit {returncode}")


def run_service(service: str, timeout: int, requirement: Path | None = None) -> Outcome:
    with tempfile.TemporaryDirectory() as folder:
        output = Path(folder) / "report.json"
        command = pip_audit_command(service, output, timeout, requirement)
        run = subprocess.run(command, capture_output=True, text=True)
        report = output.read_text() if output.exists() else None
    return classify(service, run.returncode, report, run.stderr)


def audit(services, run: Callable[[str], Outcome]) -> int:
    """Try each service until one checks the environment; return the exit status."""
    tried = []
    for service in services:
        started = time.monotonic()
        outcome = run(service)
        took = time.monotonic() - started
        tried.append(outcome)
        if outcome.status == "vulnerable":
            print(f"AUDIT FAILED ({service}, {took:.1f} s): known vulnerabilities installed:")
            for finding in outcome.findings:
                print(f"  {finding}")
            print("Upgrade them (setup.cfg bounds allowing), or record why not.")
            return 1
        if outcome.status == "error":
            print(f"AUDIT ERROR ({service}): pip-audit failed:\n{outcome.message}")
            return 2
        if outcome.status == "ok":
            print(
                f"Audit ({service}, {took:.1f} s): no known vulnerability in "
                f"{len(outcome.audited)} installed packages."
            )
            if outcome.skipped:
                print(
                    f"  NOT CHECKED ({len(outcome.skipped)}, unknown to {service}): "
                    + ", ".join(outcome.skipped)
                )
            return 0
        print(
            f"Audit: {service} could not check this environment ({took:.1f} s): {outcome.message}"
        )
    print(
        "AUDIT COULD NOT CHECK: no vulnerability service answered for the installed packages "
        f"(tried {', '.join(o.service for o in tried)}). Nothing is known either way; "
        "CI goes on. Run `make audit` where the service is reachable."
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--service", action="append", choices=SERVICES, help="default: all")
    parser.add_argument("--timeout", type=int, default=15, help="seconds per request")
    parser.add_argument(
        "--requirement", type=Path, help="check these exact pins instead of this environment"
    )
    args = parser.parse_args(argv)
    services = args.service or SERVICES
    return audit(services, lambda s: run_service(s, args.timeout, args.requirement))


if __name__ == "__main__":
    sys.exit(main())
