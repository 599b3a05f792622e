"""Start and stop the processes a benchmark or soak run needs, always on loopback and always bounded in time."""

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
GUNICORN_CONF = Path(__file__).resolve().parent / "gunicorn.conf.py"
HOST = "127.0.0.1"
HTTPS_PROXY_HEADERS = {"X-Forwarded-Proto": "https"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def production_env(*, database_url: str, **extra: str) -> dict[str, str]:
    """The environment of the portal with production settings, served on loopback behind an imagined TLS proxy."""
    env = dict(os.environ)
    env.update(
        {
            "DEBUG": "0",
            "SECRET_KEY": env.get("BENCH_SECRET_KEY") or os.urandom(24).hex(),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SITE_URL": "https://127.0.0.1",
            "DATABASE_URL": database_url,
            "RATE_LIMIT_SCALE": "0",
            "PYTHONUNBUFFERED": "1",
            "PYTHONDONTWRITEBYTECODE": "1",
        }
    )
    env.update(extra)
    return env


def manage(*args: str, env: dict[str, str], timeout: float = 1800) -> str:
    """Run a manage.py command with the given environment; raise with its output if it fails."""
    return _python(str(BASE_DIR / "manage.py"), *args, env=env, timeout=timeout)


def run_module(module: str, *args: str, env: dict[str, str], timeout: float = 1800) -> str:
    """Run one of the harness's own modules (``python -m bench.…``) likewise."""
    return _python("-m", module, *args, env=env, timeout=timeout)


def _python(*args: str, env: dict[str, str], timeout: float) -> str:
    completed = subprocess.run(  # noqa: S603 - our own interpreter and our own code
        [sys.executable, *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if completed.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed:\n{completed.stdout}\n{completed.stderr}")
    return completed.stdout


@dataclass
class Server:
    """One gunicorn (2 sync workers, the portal's configuration) serving a WSGI app on a loopback port."""

    name: str
    app: str
    env: dict[str, str]
    port: int = field(default_factory=free_port)
    log_path: Path | None = None
    process: subprocess.Popen | None = None

    @property
    def base_url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def start(self) -> None:
        env = dict(self.env, GUNICORN_BIND=f"{HOST}:{self.port}")
        log = open(self.log_path, "ab") if self.log_path else subprocess.DEVNULL  # noqa: SIM115 - lives with the process
        self.process = subprocess.Popen(  # noqa: S603 - our own interpreter running gunicorn
            [sys.executable, "-m", "gunicorn", "--config", str(GUNICORN_CONF), self.app],
            cwd=BASE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            # Its own process group, so stopping it stops its workers and nothing else.
            start_new_session=True,
        )

    def wait_until_ready(self, path: str = "/", *, timeout_s: float = 60) -> None:
        deadline = time.monotonic() + timeout_s
        last_error = ""
        while time.monotonic() < deadline:
            if self.process and self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.process.returncode}; see {self.log_path}")
            try:
                status, body = get(self.port, path, timeout_s=5)
                # /healthz answers 503 "degraded" when no worker runs: the web server is up all the same.
                if status < 500 or b'"status": "degraded"' in body:
                    return
                last_error = f"status {status}"
            except OSError as exc:
                last_error = str(exc)
            time.sleep(0.3)
        raise RuntimeError(f"{self.name} did not answer {path} within {timeout_s:g} s ({last_error})")

    def kill_worker(self) -> int | None:
        """SIGKILL one of gunicorn's workers (the arbiter starts a new one); return its pid."""
        if not self.process:
            return None
        children = child_pids(self.process.pid)
        if not children:
            return None
        os.kill(children[0], signal.SIGKILL)
        return children[0]

    def stop(self, timeout_s: float = 15) -> None:
        if not self.process or self.process.poll() is not None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=5)
        except ProcessLookupError:
            pass


def child_pids(pid: int) -> list[int]:
    """The direct children of a process, read from /proc (Linux)."""
    children = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # The command name is in brackets and may contain spaces; the parent pid is the second field after it.
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[1]) == pid:
            children.append(int(entry.name))
    return sorted(children)


def get(port: int, path: str, *, timeout_s: float = 10, headers: dict | None = None) -> tuple[int, bytes]:
    """One GET to a loopback port, as the TLS proxy would forward it."""
    status, _headers, body = request(port, "GET", path, timeout_s=timeout_s, headers=headers)
    return status, body


def request(
    port: int, method: str, path: str, *, body: bytes | None = None, headers: dict | None = None, timeout_s: float = 10
) -> tuple[int, http.client.HTTPMessage, bytes]:
    """One request to a loopback port, as the TLS proxy would forward it: status, headers, body."""
    connection = http.client.HTTPConnection(HOST, port, timeout=timeout_s)
    try:
        connection.request(method, path, body=body, headers={**HTTPS_PROXY_HEADERS, "Host": HOST, **(headers or {})})
        response = connection.getresponse()
        return response.status, response.headers, response.read()
    finally:
        connection.close()
