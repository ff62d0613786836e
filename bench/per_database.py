"""Run a bench once per database, each in a fresh subprocess (shared by intake.py and similar.py).

The parent re-runs the calling script with ``--child sqlite|postgres``; for PostgreSQL it creates
the database first and drops it afterwards, and reports (without failing the other run) when no
server answers.
"""

import subprocess
import sys
from pathlib import Path


def pg_admin(url: str, sql: str) -> None:
    import psycopg

    base, _, _name = url.rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(sql)


def run_each(script: str, databases: str, pg_url: str) -> None:
    """Run ``script --child <db> <this process's arguments>`` for each of ``databases``; exit non-zero on failure."""
    failed = False
    name = pg_url.rpartition("/")[2]
    for db in [d.strip() for d in databases.split(",") if d.strip()]:
        if db == "postgres":
            try:
                pg_admin(pg_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                pg_admin(pg_url, f'CREATE DATABASE "{name}"')
            except Exception as exc:  # no server: report and go on with the other database
                print(f"\n== PostgreSQL 不可用：{exc!r}")
                failed = True
                continue
        cmd = [sys.executable, str(Path(script).resolve()), "--child", db, *sys.argv[1:]]
        try:
            failed |= subprocess.run(cmd).returncode != 0
        finally:
            if db == "postgres":
                pg_admin(pg_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    sys.exit(1 if failed else 0)
