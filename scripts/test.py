"""Run the whole test suite for `make test`.

On SQLite by default; on the database DATABASE_URL names when it is set. Browser tests need
Debian's Chromium: without it they are skipped with a plain message, except under CI (CI=true),
where a missing browser is a failure. pytest's "no tests ran" (exit code 5) is a failure too.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "madina.settings.test"}
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    database = "PostgreSQL" if env.get("DATABASE_URL", "").startswith("postgres") else "SQLite"
    print(f"Madina tests on {database}.", flush=True)
    if chromium:
        env["MADINA_CHROMIUM"] = chromium
    elif env.get("CI", "").lower() == "true":
        print("CI: Chromium is missing, and CI never skips the browser tests.", file=sys.stderr)
        return 1
    else:
        print(
            "Browser tests SKIPPED: Chromium is not installed on this machine "
            "(on Debian/Ubuntu: sudo apt-get install chromium). All other tests run.",
            flush=True,
        )
    command = [sys.executable, "-m", "pytest", *sys.argv[1:]]
    code = subprocess.call(command, cwd=ROOT, env=env)
    if code == 5:
        print("pytest collected no tests: that is a failure.", file=sys.stderr)
        return 1
    if not chromium and code == 0:
        print("Reminder: the browser tests were skipped (no Chromium).", flush=True)
    return code


if __name__ == "__main__":
    sys.exit(main())
