"""Where the portal's Postgres comes from.

``DATABASE_URL`` names a server when it is set. Otherwise the portal starts an
embedded Postgres (the ``pgserver`` package) whose data lives in ``var/pgdata``
and is kept between runs. Both are real Postgres; nothing here uses SQLite.

``python -m lscb_portal.dbserver ensure`` makes sure the named database exists,
so that ``migrate`` and the test runner have a server and a database to talk to.
"""

import os
import sys
import warnings
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))
EMBEDDED_DATABASE = "lscb_portal"


def embedded_server():
    """Start (or find already running) the embedded Postgres in var/pgdata."""
    os.environ.setdefault("XDG_RUNTIME_DIR", str(VAR_DIR / "run"))
    (VAR_DIR / "run").mkdir(parents=True, exist_ok=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import pgserver

        # cleanup_mode=None leaves the server running for the web server, the
        # worker and the test runner to share; it survives until the machine stops.
        return pgserver.get_server(VAR_DIR / "pgdata", cleanup_mode=None)


def database_url() -> str:
    url = os.environ.get("DATABASE_URL")
    if url:
        return url
    return embedded_server().get_uri(EMBEDDED_DATABASE)


def _maintenance_url(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    name = parts.path.lstrip("/") or "postgres"
    return urlunsplit(parts._replace(path="/postgres")), name


def ensure_database(url: str | None = None) -> str:
    """Create the database named by the URL if it does not exist yet."""
    import psycopg

    url = url or database_url()
    maintenance, name = _maintenance_url(url)
    with psycopg.connect(maintenance, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')
    return name


def main(argv: list[str]) -> int:
    if argv[1:] == ["ensure"]:
        name = ensure_database()
        print(f"database {name} is ready")
        return 0
    if argv[1:] == ["url"]:
        print(database_url())
        return 0
    print("usage: python -m lscb_portal.dbserver ensure|url", file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
