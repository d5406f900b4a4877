"""Releasing the analysts' DuckDB file whole, so that readers never see a database half written.

DuckDB lets one process write a file and keeps every other process from opening it meanwhile, so runs never
write HOME/observatory.duckdb. They write HOME/work/observatory.duckdb; after a publish has committed and
checkpointed, `release_database` copies that file next to the released one and renames it into place. The
rename is atomic on POSIX: a reader that has the old file open goes on reading the old file, and anyone who
opens it afterwards gets the whole new file.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

import duckdb

from pipeline.store.files import Store


def ensure_working_copy(store: Store) -> Path:
    """The file runs write. A home released before work/ existed starts from its released database."""
    working = store.work_duckdb_path
    working.parent.mkdir(parents=True, exist_ok=True)
    if not working.exists() and store.duckdb_path.is_file():
        _copy_then_rename(store.duckdb_path, working)
    return working


@contextmanager
def writing_then_release(
    store: Store, connection: AbstractContextManager[duckdb.DuckDBPyConnection]
) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection to the working copy; when the block succeeds, checkpoint, close and release the file.

    `connection` opens the working file (a DuckDBResource's get_connection()). If the block fails, nothing is
    released and the analysts' file stays as it was.
    """
    ensure_working_copy(store)
    with connection as conn:
        try:
            yield conn
            conn.execute("CHECKPOINT")  # everything into the file itself, none left in its write-ahead log
        finally:
            conn.close()  # get_connection closes only on success; a file left open would block the next release
    release_database(store)


def release_database(store: Store) -> Path:
    """Replaces HOME/observatory.duckdb with the working file, in one rename. Call it once the writer is closed."""
    working = store.work_duckdb_path
    if not working.is_file():
        raise FileNotFoundError(f"no working database to release ({working})")
    # A read-only connection takes DuckDB's shared lock: no other process can open the file for writing while
    # it is copied. It fails if a writer still has the file open, which is what we want.
    with duckdb.connect(str(working), read_only=True):
        wal = working.with_name(working.name + ".wal")
        if wal.is_file() and wal.stat().st_size > 0:
            # Committed rows may still be only in the log; a copy of the main file alone would lose them.
            raise RuntimeError(f"{working} has a write-ahead log: CHECKPOINT and close it before releasing")
        _copy_then_rename(working, store.duckdb_path)
    return store.duckdb_path


def _copy_then_rename(source: Path, target: Path) -> None:
    tmp = target.with_name(f"{target.name}.tmp-{os.getpid()}")
    try:
        shutil.copyfile(source, tmp)
        with open(tmp, "rb+") as copied:
            os.fsync(copied.fileno())  # the bytes are on disk before the name points at them
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
