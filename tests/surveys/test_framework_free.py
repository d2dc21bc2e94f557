import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_surveys_imports_no_framework_in_a_fresh_interpreter():
    script = textwrap.dedent(
        """
        import importlib, pkgutil, sys
        import surveys
        for module in pkgutil.walk_packages(surveys.__path__, "surveys."):
            importlib.import_module(module.name)
        banned = sorted(
            name for name in sys.modules
            if name.split(".")[0]
            in {"flask", "sqlalchemy", "portal", "flask_sqlalchemy", "werkzeug"}
        )
        print(",".join(banned))
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""


def test_no_module_in_surveys_names_a_framework_import():
    offenders = []
    for path in (ROOT / "surveys").rglob("*.py"):
        for line in path.read_text().splitlines():
            stripped = line.strip()
            if stripped.startswith(("import ", "from ")):
                top = stripped.split()[1].split(".")[0]
                if top in {"flask", "sqlalchemy", "portal"} or top.startswith("flask_"):
                    offenders.append(f"{path.name}: {stripped}")
    assert offenders == []
