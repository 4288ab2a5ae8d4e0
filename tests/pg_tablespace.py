"""A tablespace in memory for the test suite's PostgreSQL databases, where the machine allows one.

The suite makes and drops a database for nearly every PostgreSQL test (a ``CREATE DATABASE … TEMPLATE`` clone, some
hundreds of files each). On this machine's ext4 disk, creating files among many just deleted ones cost the server
most of its time, in the kernel (``ext4_create``): about 0.4 s of CPU per test, more than the test itself. In a
tablespace on ``/dev/shm`` (tmpfs) the same tests take a fifth of that. Only the test databases go there; the server,
its WAL and every other database stay where they are, and the tests run the same SQL on the same server.

It is set up when the tests run as root beside a local server (CI and this machine), since only root can hand a
directory to the ``postgres`` account, and only when the server sees the same directory (a server in a container
does not). Otherwise the databases stay in the default tablespace. ``RENKEI_TEST_POSTGRES_TABLESPACE`` names another
tablespace to use, or ``none`` for the default.
"""

from __future__ import annotations

import os
import pwd
import shutil
from pathlib import Path

from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url

NAME = "renkei_test_memory"
FOLDER = Path("/dev/shm/renkei-pg-test")
#: Free memory the folder's file system must have (the databases of two workers take some hundreds of MB at most).
MIN_FREE_BYTES = 2 << 30
#: Held while one xdist worker sets the tablespace up, so that the other waits and then finds it.
LOCK_KEY = 7_240_315_511


def choose_tablespace(admin: Engine) -> str | None:
    """Return the tablespace the test databases go in (None: the server's default), setting it up if need be.

    ``admin`` is an AUTOCOMMIT engine on the server's default database.
    """
    setting = os.environ.get("RENKEI_TEST_POSTGRES_TABLESPACE")
    if setting is not None:
        return None if setting.strip().lower() in ("", "none") else setting.strip()
    if not _may_set_up(admin):
        return None
    with admin.connect() as connection:
        connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": LOCK_KEY})
        try:
            location = connection.scalar(text("SELECT pg_tablespace_location(oid) FROM pg_tablespace "
                                              "WHERE spcname = :name"), {"name": NAME})
            if location is not None and not _in_use(Path(location)):
                # The folder went with a restart of the machine (tmpfs), and with it the files of any test database
                # a killed run left there: drop those (test databases only) and the tablespace, and start again.
                stale = connection.scalars(text(
                    "SELECT datname FROM pg_database d JOIN pg_tablespace t ON t.oid = d.dattablespace "
                    "WHERE t.spcname = :name AND d.datname LIKE 'renkei\\_%'"), {"name": NAME}).all()
                try:
                    for database in stale:
                        connection.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
                    connection.execute(text(f"DROP TABLESPACE {NAME}"))
                except Exception:  # something else is kept there: leave it, and stay on the default tablespace
                    return None
                location = None
            if location is None:
                shutil.rmtree(FOLDER, ignore_errors=True)
                FOLDER.mkdir(mode=0o700)
                owner = pwd.getpwnam("postgres")
                os.chown(FOLDER, owner.pw_uid, owner.pw_gid)
                try:
                    connection.execute(text(f"CREATE TABLESPACE {NAME} LOCATION '{FOLDER}'"))
                except Exception:  # the server does not see this folder (another machine, a container)
                    return None
                location = str(FOLDER)
            return NAME if _in_use(Path(location)) else None
        finally:
            connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": LOCK_KEY})


def _may_set_up(admin: Engine) -> bool:
    """Say whether this process may make the tablespace: root, a server on this machine, enough memory."""
    if make_url(admin.url).host not in ("127.0.0.1", "localhost", "::1") or os.geteuid() != 0:
        return False
    try:
        pwd.getpwnam("postgres")
    except KeyError:
        return False
    return FOLDER.parent.is_dir() and shutil.disk_usage(FOLDER.parent).free >= MIN_FREE_BYTES


def _in_use(location: Path) -> bool:
    """Say whether the server keeps a tablespace in this folder of this machine (it makes a ``PG_<version>_…``)."""
    return location.is_dir() and any(child.name.startswith("PG_") for child in location.iterdir())
