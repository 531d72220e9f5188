"""The WAL is copied back into the collection file in the background, not inside an answer
(issue 3: the slowest answers were SQLite's automatic checkpoints)."""

import gc
import sqlite3
import threading
import time

import pytest

from repetend.core import storage
from repetend.core.collection import Collection


def checkpoint_threads():
    return [t for t in threading.enumerate() if t.name == "repetend-checkpoint"]


def file_only_value(path, key):
    """A config value as the collection file itself holds it, ignoring the WAL."""
    db = sqlite3.connect(path.as_uri() + "?immutable=1", uri=True)
    try:
        row = db.execute("SELECT value FROM config WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None
    except sqlite3.DatabaseError:  # not there yet (or caught mid-copy)
        return None
    finally:
        db.close()


def wait_for(condition, seconds=10.0):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if condition():
            return True
        time.sleep(0.01)
    return False


@pytest.mark.parametrize("folder", ["plain", "odd name #1 50% ?"])
def test_changes_reach_the_file_without_closing(tmp_path, folder):
    (tmp_path / folder).mkdir()
    path = tmp_path / folder / "c.db"
    with Collection(path) as col:
        for i in range(storage.CHECKPOINT_EVERY):
            col.set_config("k", i)
        last = str(storage.CHECKPOINT_EVERY - 1)
        assert wait_for(lambda: file_only_value(path, "k") == last)
        assert len(checkpoint_threads()) == 1
    assert not checkpoint_threads()
    assert not (tmp_path / folder / "c.db-wal").exists()  # the last close still tidies up


def test_a_short_session_starts_no_thread(tmp_path):
    before = len(checkpoint_threads())
    with Collection(tmp_path / "c.db") as col:
        for i in range(3):
            col.set_config("k", i)
        assert len(checkpoint_threads()) == before


def test_reads_and_answers_go_on_while_a_checkpoint_runs(tmp_path):
    path = tmp_path / "c.db"
    with Collection(path) as col:
        for i in range(storage.CHECKPOINT_EVERY * 20):
            col.set_config(f"k{i % 50}", i)
            assert col.get_config(f"k{i % 50}") == i
        # The thread runs beside the writes; on a busy machine its first pass may still be
        # under way when they end.
        assert wait_for(lambda: col._checkpointer.passes >= 1)
    with Collection(path) as again:
        last = storage.CHECKPOINT_EVERY * 20 - 1
        assert again.get_config(f"k{last % 50}") == last


def test_an_unclosed_collection_ends_its_thread(tmp_path):
    col = Collection(tmp_path / "c.db")
    for i in range(storage.CHECKPOINT_EVERY):
        col.set_config("k", i)
    assert wait_for(lambda: len(checkpoint_threads()) == 1)
    col.db.close()
    del col
    gc.collect()
    assert wait_for(lambda: not checkpoint_threads())


def test_a_deleted_file_is_not_recreated(tmp_path):
    path = tmp_path / "c.db"
    col = Collection(path)
    for suffix in ("", "-wal", "-shm"):
        (tmp_path / f"c.db{suffix}").unlink(missing_ok=True)
    for i in range(storage.CHECKPOINT_EVERY):
        col.set_config("k", i)  # still works on the open (unlinked) file
    assert wait_for(lambda: col._checkpointer.passes >= 1 or not checkpoint_threads(), 2)
    col.close()
    assert not path.exists()
