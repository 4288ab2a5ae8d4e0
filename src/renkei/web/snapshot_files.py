"""Plan snapshots kept on disk, so that a worker that starts reads the last snapshot instead of the whole plan.

``renkei serve`` keeps each full snapshot it builds in ``RENKEI_DATA_DIR/snapshots/`` (one file per plan and year,
written in the background after the build, replaced atomically). A new worker (a start, a restart, a second
worker) reads the file and brings it to the data as stored now through the ordinary update
(:func:`renkei.web.snapshot.update_snapshot`): the file's marks are compared with the store's, so a file is never
served for data it does not show; at worst the whole plan is read, as without a file.

A file is used only when it was written by the same code for the same database: its name holds a digest of the
package's source, and its content is signed (HMAC-SHA256) with a key kept in that database (``app_secret``), so a
file from another database, another version or another hand is ignored, never unpickled.
"""

from __future__ import annotations

import functools
import gc
import hashlib
import hmac
import logging
import os
import pickle
import secrets
import tempfile
import threading
from pathlib import Path

from sqlalchemy import Engine

from renkei.store.app_secret import read_or_create_secret
from renkei.web import snapshot_pickle

__all__ = ["SnapshotFiles", "code_digest"]

log = logging.getLogger(__name__)

#: The name of the signing key in ``app_secret``.
KEY_NAME = "snapshot_key"


@functools.cache
def code_digest() -> str:
    """Return a digest of the package's Python source (a snapshot made by other code is never read back)."""
    root = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


class SnapshotFiles:
    """Read and write signed snapshot files in a folder (the signing key is read from the database once)."""

    def __init__(self, folder: Path, engine: Engine) -> None:
        self.folder = folder
        self.engine = engine
        self._key: bytes | None = None
        self._lock = threading.Lock()

    def key(self) -> bytes:
        """Return the signing key (stored in the database by whichever worker asks first)."""
        with self._lock:
            if self._key is None:
                self._key = read_or_create_secret(engine=self.engine, name=KEY_NAME,
                                                  candidate=secrets.token_hex(32)).encode()
            return self._key

    def path(self, name: str) -> Path:
        """Return the file of a snapshot by its name (plan, year, default year) for this code."""
        return self.folder / f"{name}-{code_digest()}.snapshot"

    def kept_plans(self) -> frozenset[int]:
        """Return the ids of the plans with a snapshot kept by this code (whatever their year)."""
        suffix = f"-{code_digest()}.snapshot"
        kept = set()
        for path in self.folder.glob(f"plan-*{suffix}"):
            plan = path.name.removesuffix(suffix).split("-")[1]
            if plan.isdigit():
                kept.add(int(plan))
        return frozenset(kept)

    def read(self, name: str) -> object | None:
        """Return the object kept under a name, or None when there is none, or it is unsigned or damaged."""
        path = self.path(name)
        try:
            data = path.read_bytes()
        except OSError:
            return None
        signature, body = data[:32], data[32:]
        if len(signature) != 32 or not hmac.compare_digest(signature, hmac.new(self.key(), body, "sha256").digest()):
            log.warning("snapshot file %s is not signed by this database: ignored", path)
            return None
        collecting = gc.isenabled()
        gc.disable()  # unpickling makes half a million live objects: collections while it runs find no garbage
        try:
            value: object = pickle.loads(body)  # signed above with this database's key
            # Kept for as long as the plan's data stay, and freed by reference counting (a snapshot holds no
            # cycles): moved out of the collector's generations, so that it does not go over them again and again
            # in the worker's first requests (about a third of a 10,000-sheet restart, benchmarks/README.md).
            gc.freeze()
            return value
        except Exception:  # a damaged file is as good as none; say so in the log
            log.exception("snapshot file %s could not be read: ignored", path)
            return None
        finally:
            if collecting:
                gc.enable()

    def write(self, name: str, value: object) -> None:
        """Keep an object under a name (signed; the old file is replaced at once, never half written)."""
        body = snapshot_pickle.dumps(value)
        signature = hmac.new(self.key(), body, "sha256").digest()
        self.folder.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=self.folder, suffix=".part")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(signature)
                out.write(body)
            os.replace(temporary, self.path(name))
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        for older in self.folder.glob(f"{name}-*.snapshot"):  # made by earlier code: never read again
            if older != self.path(name):
                older.unlink(missing_ok=True)

    def write_later(self, name: str, value: object) -> None:
        """Keep an object under a name from a background thread (the request that built it does not wait)."""
        def keep() -> None:
            try:
                self.write(name, value)
            except Exception:  # the next start reads the plan instead; say why
                log.exception("snapshot %s could not be kept on disk", name)

        threading.Thread(target=keep, name=f"renkei-keep-{name}", daemon=True).start()
