"""Run Madina as it runs in production, from a test: real processes on real services.

The pieces, each usable alone:

- :func:`services_or_skip_reason` — whether PostgreSQL (``DATABASE_URL``) and Redis
  (``REDIS_URL``) are configured; the tests marked ``servers`` skip without them and run
  whenever both are set; :func:`must_run` says when CI (``CI=true``) requires them to run.
- :func:`fresh_database` — a new PostgreSQL database with a unique name, dropped afterwards.
- :func:`stack_env` — the environment of an app server or worker (``tests.production.settings``,
  that is ``madina.settings.prod`` without the HTTPS-only parts).
- :func:`prepare` — ``migrate`` and ``collectstatic`` (side by side), ``madina_setup`` if asked.
- :func:`manage` and :func:`run_python` — a management command, or Python code run with Django
  set up, in that environment.
- :class:`AppServer` (gunicorn on a free 127.0.0.1 port, ready once ``/healthz`` answers) and
  :class:`HueyWorker` (``manage.py run_huey``): context managers that always stop their process
  group, whose output is kept in a log file and quoted when something fails.
- :func:`stop_all`, :func:`flush_redis`, :func:`wait_for`, :func:`free_port`.

Example::

    with fresh_database(base_url) as database_url, tempfile.TemporaryDirectory() as var:
        env = stack_env(database_url=database_url, redis_url=redis, var_dir=Path(var))
        prepare(env)
        with AppServer(env, "a") as a, HueyWorker(env, "w1"):
            requests.get(a.url("/healthz"))
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlparse, urlunparse

from cryptography.fernet import Fernet

REPO = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
SETTINGS_MODULE = "tests.production.settings"
# The same for every process of one stack: sessions, CSRF tokens and cache keys are signed or
# keyed with it, so that a request may land on any app server.
SHARED_SECRET_KEY = "scale-out-test-" + "k" * 40

T = TypeVar("T")


class HarnessError(AssertionError):
    """A process did not start, answer or finish as expected; the message quotes its output."""


# -- configuration -------------------------------------------------------------------------------


def postgres_url() -> str:
    """``DATABASE_URL`` when it names a PostgreSQL server, else an empty string."""
    url = os.environ.get("DATABASE_URL", "")
    return url if urlparse(url).scheme in {"postgres", "postgresql", "pgsql"} else ""


def redis_url() -> str:
    """``REDIS_URL``, or an empty string."""
    return os.environ.get("REDIS_URL", "")


def services_or_skip_reason() -> str:
    """Why the ``servers`` tests cannot run here, or an empty string when they can."""
    configured = {"DATABASE_URL (PostgreSQL)": postgres_url(), "REDIS_URL": redis_url()}
    missing = [name for name, value in configured.items() if not value]
    return f"needs {' and '.join(missing)}" if missing else ""


def must_run() -> bool:
    """Under CI=true with both services configured, a ``servers`` test may not be skipped."""
    return os.environ.get("CI", "").lower() == "true" and not services_or_skip_reason()


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(
    check: Callable[[], T | None],
    *,
    timeout: float,
    what: str,
    interval: float = 0.2,
    diagnostics: Callable[[], str] = lambda: "",
) -> T:
    """Call ``check`` until it returns something truthy, and return that; fail after
    ``timeout`` seconds with ``what`` and ``diagnostics()`` in the message."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise HarnessError(
                f"Timed out after {timeout:.0f} s waiting for {what}.\n{diagnostics()}"
            )
        time.sleep(interval)


# -- PostgreSQL and Redis ----------------------------------------------------------------------


def _with_database(url: str, name: str) -> str:
    return urlunparse(urlparse(url)._replace(path=f"/{name}"))


def _admin_connection(base_url: str):
    import psycopg

    return psycopg.connect(_with_database(base_url, "postgres"), autocommit=True)


@contextlib.contextmanager
def fresh_database(base_url: str, *, prefix: str = "madina_t") -> Iterator[str]:
    """Create an empty database on the server of ``base_url`` with a unique name, yield its
    URL, and drop it at the end, even if processes still hold connections to it."""
    from psycopg import sql

    name = f"{prefix}_{os.getpid()}_{secrets.token_hex(4)}"
    with _admin_connection(base_url) as connection:
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield _with_database(base_url, name)
    finally:
        with _admin_connection(base_url) as connection:
            connection.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


def flush_redis(url: str) -> None:
    """Empty the Redis database that ``url`` names (give each test stack a db number of its
    own: this removes the queue, the sessions and the cache of everything using it)."""
    import redis

    client = redis.Redis.from_url(url)
    try:
        client.flushdb()
    finally:
        client.close()


# -- processes -----------------------------------------------------------------------------------


def stack_env(
    *,
    database_url: str,
    redis_url: str,
    var_dir: Path,
    secret_key: str = SHARED_SECRET_KEY,
    case_keys: str | None = None,
    **extra: str,
) -> dict[str, str]:
    """The environment of every process of one stack (app servers, workers, commands).

    ``var_dir`` is shared by the stack: it holds the collected static files and the uploads
    (the part object storage plays in production). ``extra`` adds or overrides variables.
    """
    keep = {"PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "PGPASSWORD", "VIRTUAL_ENV"}
    env = {key: value for key, value in os.environ.items() if key in keep}
    env.update(
        DJANGO_SETTINGS_MODULE=SETTINGS_MODULE,
        PYTHONPATH=str(REPO),
        PYTHONUNBUFFERED="1",
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        SECRET_KEY=secret_key,
        MADINA_CASE_KEYS=case_keys or Fernet.generate_key().decode(),
        ALLOWED_HOSTS="127.0.0.1",
        MADINA_VAR_DIR=str(var_dir),
    )
    env.update(extra)
    return env


def _tail(path: Path, lines: int = 40) -> str:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
    return "\n".join(text.splitlines()[-lines:])


def manage(env: dict[str, str], *args: str, timeout: float = 300) -> str:
    """Run ``manage.py *args`` in ``env``; return its standard output, fail with its output."""
    try:
        result = subprocess.run(  # noqa: S603 — our own interpreter and manage.py
            [PYTHON, "manage.py", *args],
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise HarnessError(f"manage.py {' '.join(args)} took more than {timeout:.0f} s.") from exc
    if result.returncode != 0:
        raise HarnessError(
            f"manage.py {' '.join(args)} failed ({result.returncode}):\n"
            f"{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
        )
    return result.stdout


def run_python(env: dict[str, str], code: str, *, timeout: float = 120) -> Any:
    """Run ``code`` with Django set up in ``env`` (``manage.py shell -c``). If its last printed
    line is JSON, return it decoded (a way to hand back the ids of what it created)."""
    output = manage(env, "shell", "-c", code, timeout=timeout).strip()
    if not output:
        return None
    try:
        return json.loads(output.splitlines()[-1])
    except json.JSONDecodeError:
        return output


def prepare(env: dict[str, str], *, reference_data: bool = False, timeout: float = 300) -> None:
    """Make the stack's database and files ready: ``migrate`` and ``collectstatic`` side by
    side (the production static storage needs its manifest), then ``madina_setup`` (the areas,
    sectors and lists) if ``reference_data``."""
    Path(env["MADINA_VAR_DIR"]).mkdir(parents=True, exist_ok=True)
    commands = {
        "migrate": ["migrate", "--noinput"],
        "collectstatic": ["collectstatic", "--noinput", "--verbosity", "0"],
    }
    running = {
        name: subprocess.Popen(  # noqa: S603 — our own interpreter and manage.py
            [PYTHON, "manage.py", *args],
            cwd=REPO,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for name, args in commands.items()
    }
    failures = []
    for name, process in running.items():
        try:
            output, _ = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            output, _ = process.communicate()
            failures.append(f"{name} took more than {timeout:.0f} s:\n{output[-3000:]}")
            continue
        if process.returncode != 0:
            failures.append(f"{name} failed ({process.returncode}):\n{output[-3000:]}")
    if failures:
        raise HarnessError("\n".join(failures))
    if reference_data:
        manage(env, "madina_setup", timeout=timeout)


class _Process:
    """A child process in a session of its own, its output in ``log_path``."""

    name: str
    log_path: Path
    process: subprocess.Popen | None = None

    def _spawn(self, command: list[str], env: dict[str, str], log_dir: Path) -> None:
        log_dir.mkdir(parents=True, exist_ok=True)
        self.log_path = log_dir / f"{self.name}.log"
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(  # noqa: S603 — our own interpreter and commands
                command,
                cwd=REPO,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def log(self, lines: int = 40) -> str:
        """The last lines the process wrote."""
        return _tail(self.log_path, lines)

    def wrote(self, text: str) -> bool:
        """Whether the process has written ``text`` anywhere in its output so far."""
        try:
            return text in self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return False

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def stop(self, timeout: float = 10) -> None:
        """SIGTERM to the process group (gunicorn's and Huey's own workers with it), then
        SIGKILL if it has not ended within ``timeout`` seconds."""
        if self.process is None or self.process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=timeout)

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop()

    def start(self):  # pragma: no cover — defined by each kind of process
        raise NotImplementedError


def stop_all(processes, timeout: float = 10) -> None:
    """Stop several processes at once: SIGTERM to all, then wait for each (SIGKILL if late)."""
    for process in processes:
        if process.alive():
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.process.pid, signal.SIGTERM)
    for process in processes:
        process.stop(timeout)


class AppServer(_Process):
    """gunicorn serving ``madina.wsgi`` on a free port of 127.0.0.1.

    ``start()`` launches it without waiting; ``wait_ready()`` waits for ``/healthz`` to answer
    200. Used as a context manager it does both, and stops it at the end.
    """

    def __init__(
        self, env: dict[str, str], name: str, *, workers: int = 2, log_dir: Path | None = None
    ):
        self.env = env
        self.name = name
        self.workers = workers
        self.port = 0
        self.log_dir = log_dir or Path(env["MADINA_VAR_DIR"]) / "logs"

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        """The absolute address of ``path`` on this server."""
        return self.base_url + path

    def start(self) -> AppServer:
        self.port = free_port()
        command = [
            PYTHON,
            "-m",
            "gunicorn",
            "madina.wsgi:application",
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            str(self.workers),
            "--chdir",
            str(REPO),
            "--timeout",
            "60",
            "--graceful-timeout",
            "5",
            "--access-logfile",
            "-",
        ]
        self._spawn(command, self.env, self.log_dir)
        return self

    def healthy(self) -> bool:
        """True when ``/healthz`` answers 200 (the app and its database)."""
        try:
            with urllib.request.urlopen(self.url("/healthz"), timeout=2) as response:  # noqa: S310 — our own http://127.0.0.1 server
                return response.status == 200
        except (urllib.error.URLError, OSError):
            return False

    def wait_ready(self, timeout: float = 60) -> AppServer:
        def ready() -> bool:
            if not self.alive():
                raise HarnessError(f"App server {self.name} exited:\n{self.log()}")
            return self.healthy()

        wait_for(
            ready,
            timeout=timeout,
            what=f"app server {self.name} on {self.base_url}/healthz",
            interval=0.25,
            diagnostics=self.log,
        )
        return self

    def __enter__(self) -> AppServer:
        self.start()
        try:
            self.wait_ready()
        except BaseException:
            self.stop()
            raise
        return self


class HueyWorker(_Process):
    """A Huey consumer: ``manage.py run_huey`` with ``threads`` worker threads; ``periodic``
    says whether it also schedules the periodic tasks (exactly one consumer of a queue should).

    Started as a context manager, it is stopped (SIGTERM, as systemd does) at the end.
    """

    def __init__(
        self,
        env: dict[str, str],
        name: str,
        *,
        threads: int = 1,
        periodic: bool = True,
        log_dir: Path | None = None,
    ):
        self.env = env
        self.name = name
        self.threads = threads
        self.periodic = periodic
        self.log_dir = log_dir or Path(env["MADINA_VAR_DIR"]) / "logs"

    def start(self) -> HueyWorker:
        command = [PYTHON, "manage.py", "run_huey", "--workers", str(self.threads)]
        if not self.periodic:
            # Every consumer with periodic tasks enqueues each of them: one scheduler per queue.
            command.append("--no-periodic")
        self._spawn(command, self.env, self.log_dir)
        return self

    def wait_ready(self, timeout: float = 60) -> HueyWorker:
        """Wait until the consumer says it has started (it then reads the queue)."""

        def ready() -> bool:
            if not self.alive():
                raise HarnessError(f"Huey worker {self.name} exited:\n{self.log()}")
            return self.wrote("consumer started")

        wait_for(ready, timeout=timeout, what=f"Huey worker {self.name}", diagnostics=self.log)
        return self

    def __enter__(self) -> HueyWorker:
        self.start()
        return self
