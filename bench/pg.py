"""A throwaway Postgres for the soak run, which it may stop, restart and delete.

It uses the server binaries the ``pgserver`` package ships (the same as the
portal's embedded Postgres), in a temporary directory, listening only on a Unix
socket in that directory: no TCP port, so nothing outside this machine can
reach it and nothing else on it collides with it. As root, Postgres runs as the
``pgserver`` system user, as the portal's embedded server does.
"""

import os
import pwd
import shutil
import stat
import subprocess
import tempfile
import time
import warnings
from pathlib import Path


class TempPostgres:
    def __init__(self, *, database: str = "lscb_soak"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            from pgserver import _commands, utils

        self._commands = _commands
        self._utils = utils
        self.database = database
        # Short: a Unix socket path must stay under about 100 characters.
        self.root = Path(tempfile.mkdtemp(prefix="lscb-soak-", dir="/tmp"))
        self.pgdata = self.root / "pgdata"
        self.log = self.root / "postgres.log"
        self.user = None
        if os.geteuid() == 0:
            self.user = "pgserver"
            self._prepare_for_system_user()

    def _prepare_for_system_user(self) -> None:
        utils = self._utils
        entry = utils.ensure_user_exists(self.user)
        bin_path = self._commands.POSTGRES_BIN_PATH
        utils.ensure_prefix_permissions(bin_path)
        read, execute = stat.S_IRGRP | stat.S_IROTH, stat.S_IXGRP | stat.S_IXOTH
        utils.ensure_folder_permissions(bin_path, read | execute)
        utils.ensure_folder_permissions(bin_path.parent / "lib", read)
        utils.ensure_prefix_permissions(self.root)
        os.chown(self.root, entry.pw_uid, entry.pw_gid)

    def _run(self, tool: str, args: list[str], timeout: float = 60) -> str:
        command = getattr(self._commands, tool)
        return command(args, pgdata=self.pgdata, user=self.user, timeout=timeout)

    @property
    def url(self) -> str:
        return f"postgres://postgres@/{self.database}?host={self.root}"

    def init(self) -> None:
        self._run("initdb", ["--auth=trust", "--auth-local=trust", "--encoding=utf8", "-U", "postgres"])
        if self.user:
            owner = pwd.getpwnam(self.user)
            os.chown(self.root, owner.pw_uid, owner.pw_gid)
        self.start()
        # A fresh database for the portal beside the maintenance one.
        psql = self._commands.POSTGRES_BIN_PATH / "psql"
        subprocess.run(  # noqa: S603 - the bundled psql on our own socket
            [
                str(psql),
                "-h",
                str(self.root),
                "-U",
                "postgres",
                "-d",
                "postgres",
                "-c",
                f'CREATE DATABASE "{self.database}"',
            ],
            check=True,
            capture_output=True,
            timeout=30,
        )

    def start(self) -> None:
        self._run("pg_ctl", ["-w", "-o", f'-h "" -k {self.root} -c max_connections=60', "-l", str(self.log), "start"])

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", ["-w", "-m", mode, "stop"])

    def restart(self, *, down_for_s: float = 1.0) -> float:
        """Stop (disconnecting every client), stay down a moment, start again; return seconds it was down."""
        started = time.monotonic()
        self.stop("fast")
        time.sleep(down_for_s)
        self.start()
        return time.monotonic() - started

    def is_running(self) -> bool:
        try:
            self._run("pg_ctl", ["status"], timeout=10)
        except subprocess.CalledProcessError:
            return False
        return True

    def destroy(self) -> None:
        try:
            if self.is_running():
                self.stop("immediate")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)
