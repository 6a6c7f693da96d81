"""bandit finds no HIGH-severity issue in madina/ (settings in pyproject.toml's [tool.bandit])."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_bandit_finds_no_high_severity_issue():
    bandit = Path(sys.executable).with_name("bandit")
    result = subprocess.run(  # noqa: S603 -- our own virtualenv's bandit, fixed arguments
        [str(bandit), "-r", "madina", "-c", "pyproject.toml", "-f", "json", "-q"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    report = json.loads(result.stdout)
    assert report["metrics"]["_totals"]["loc"] > 10_000, "bandit scanned almost nothing"
    assert not any("tests/" in name for name in report["metrics"] if name != "_totals")
    high = [
        f"{r['test_id']} {r['filename']}:{r['line_number']} {r['issue_text']}"
        for r in report["results"]
        if r["issue_severity"] == "HIGH"
    ]
    assert not high, high
