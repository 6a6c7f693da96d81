#!/usr/bin/env python3
"""Security audit: bandit, ``check --deploy`` with production settings, and the dependency audit.

    .venv/bin/python scripts/security_audit.py           # all three
    .venv/bin/python scripts/security_audit.py --quick   # bandit and check --deploy (CI)
    .venv/bin/python scripts/security_audit.py --strict  # a dependency audit that cannot run fails

Fails on any HIGH bandit finding, any ``check --deploy`` warning, or a known-vulnerable pin. The
dependency audit asks PyPI's vulnerability data (pip-audit --vulnerability-service pypi); without
access to it the script says so and fails only with --strict.

What a closed machine can still tell: the package registry (a mirror here) lists every release,
and security fixes ship as patch releases. ``patch_currency`` lists each pin that is behind the
newest release of its own series (same major.minor) in the registry. It is no vulnerability
database, and the script says so; a pin behind its series fails only with --strict.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import subprocess
import sys
import tempfile
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from packaging.version import InvalidVersion, Version

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
REQUIREMENTS = ["requirements/base.txt", "requirements/dev.txt"]
NO_ACCESS = "dependency audit not run: no access to the vulnerability database"


def _tool(name: str) -> str:
    path = BIN / name
    return str(path) if path.exists() else name


def bandit() -> tuple[bool, Counter]:
    """Run bandit over madina/ with the [tool.bandit] settings; True when no HIGH finding."""
    result = subprocess.run(
        [_tool("bandit"), "-r", "madina", "-c", "pyproject.toml", "-f", "json", "-q"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    report = json.loads(result.stdout)
    counts = Counter(finding["issue_severity"] for finding in report["results"])
    print("bandit:", ", ".join(f"{s} {counts.get(s, 0)}" for s in ("HIGH", "MEDIUM", "LOW")))
    for finding in report["results"]:
        if finding["issue_severity"] == "HIGH":
            print(
                f"  HIGH {finding['test_id']} {finding['filename']}:{finding['line_number']}: "
                f"{finding['issue_text']}"
            )
    return counts.get("HIGH", 0) == 0, counts


def check_deploy() -> bool:
    """``manage.py check --deploy --fail-level WARNING`` with prod settings and throw-away keys."""
    from cryptography.fernet import Fernet

    with tempfile.TemporaryDirectory() as scratch:
        secret_file = Path(scratch) / "secret"
        secret_file.write_text(secrets.token_urlsafe(50))
        keys_file = Path(scratch) / "case_keys"
        keys_file.write_text(Fernet.generate_key().decode())
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "madina.settings.prod",
            "SECRET_KEY_FILE": str(secret_file),
            "MADINA_CASE_KEYS_FILE": str(keys_file),
            "ALLOWED_HOSTS": "madina.example.org",
        }
        env.pop("DATABASE_URL", None)
        result = subprocess.run(
            [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
    print("check --deploy:", "clean" if result.returncode == 0 else "FAILED")
    if result.returncode != 0:
        print(result.stdout + result.stderr)
    return result.returncode == 0


def pip_audit(strict: bool) -> bool:
    """pip-audit of the pinned requirements against PyPI's vulnerability data."""
    ok = True
    for requirements in REQUIREMENTS:
        result = subprocess.run(
            [
                _tool("pip-audit"),
                "-r",
                requirements,
                "--vulnerability-service",
                "pypi",
                "--no-deps",
                "--disable-pip",
                "--progress-spinner",
                "off",
                "--format",
                "json",
            ],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
            timeout=900,
        )
        try:
            report = json.loads(result.stdout)
        except json.JSONDecodeError:
            reason = (result.stderr.strip().splitlines() or ["no output"])[-1]
            print(f"{NO_ACCESS} ({requirements}: {reason})")
            ok = ok and not strict
            continue
        dependencies = report.get("dependencies", [])
        vulnerable = [d for d in dependencies if d.get("vulns")]
        skipped = [d for d in dependencies if d.get("skip_reason")]
        print(
            f"pip-audit {requirements}: {len(dependencies)} pins, {len(vulnerable)} vulnerable, "
            f"{len(skipped)} not checked"
        )
        for dependency in vulnerable:
            for vuln in dependency["vulns"]:
                fixed = ", ".join(vuln.get("fix_versions", [])) or "no fix yet"
                print(f"  {dependency['name']} {dependency['version']}: {vuln['id']} ({fixed})")
        if skipped and len(skipped) == len(dependencies):
            print(NO_ACCESS)
            ok = ok and not strict
        elif vulnerable:
            ok = False
    return ok


def _pins(requirements: str) -> dict[str, str]:
    pins = {}
    for line in (ROOT / requirements).read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if "==" in line:
            name, version = line.split("==", 1)
            pins[name.split("[", 1)[0].strip().lower()] = version.split(";", 1)[0].strip()
    return pins


def _available(name: str) -> list[Version]:
    result = subprocess.run(
        [sys.executable, "-m", "pip", "index", "versions", name],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    for line in result.stdout.splitlines():
        if line.startswith("Available versions:"):
            versions = []
            for text in line.split(":", 1)[1].split(","):
                try:
                    versions.append(Version(text.strip()))
                except InvalidVersion:
                    continue
            return versions
    return []


def patch_currency(strict: bool) -> bool:
    """Pins behind the newest release of their own major.minor series in the registry."""
    pins: dict[str, str] = {}
    for requirements in REQUIREMENTS:
        pins.update(_pins(requirements))
    with ThreadPoolExecutor(max_workers=8) as pool:
        available = dict(zip(pins, pool.map(_available, pins), strict=True))
    behind, unknown = [], []
    for name, text in sorted(pins.items()):
        pinned = Version(text)
        same = pinned.release[:2]
        series = [v for v in available[name] if v.release[:2] == same and not v.is_prerelease]
        if not series:
            unknown.append(name)
        elif max(series) > pinned:
            behind.append(f"{name} {pinned} (newest of its series: {max(series)})")
    print(
        f"patch currency (registry, not a vulnerability database): {len(pins)} pins, "
        f"{len(behind)} behind their series, {len(unknown)} not listed"
    )
    for line in behind:
        print("  behind:", line)
    return not (strict and behind)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="bandit and check --deploy only")
    parser.add_argument(
        "--strict", action="store_true", help="fail when the dependency audit cannot run"
    )
    options = parser.parse_args()
    results = [bandit()[0], check_deploy()]
    if not options.quick:
        results.append(pip_audit(options.strict))
        results.append(patch_currency(options.strict))
    print("security audit:", "passed" if all(results) else "FAILED")
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
