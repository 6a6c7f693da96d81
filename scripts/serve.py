"""Serve the platform for `make run`: the web server and a Huey worker, stopped together."""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", default="8000")
    args = parser.parse_args()
    python = sys.executable
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    worker = subprocess.Popen(
        [python, "manage.py", "run_huey", "--workers", "1", "--quiet"], cwd=ROOT, env=env
    )
    try:
        server = subprocess.run(
            [python, "manage.py", "runserver", "--noreload", f"{args.host}:{args.port}"],
            cwd=ROOT,
            env=env,
            check=False,
        )
        return server.returncode
    except KeyboardInterrupt:
        return 0
    finally:
        worker.send_signal(signal.SIGINT)
        try:
            worker.wait(timeout=10)
        except subprocess.TimeoutExpired:
            worker.kill()


if __name__ == "__main__":
    sys.exit(main())
