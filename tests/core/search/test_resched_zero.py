"""`resched:0` finds nothing, as in Anki (checked against the anki package), while
`rated:0` is read as `rated:1`; a manual reschedule a minute ago is found by both `:1`s."""

import time


def test_resched_zero_finds_nothing_and_rated_zero_means_today(col, add):
    note = add("Basic", "front", "back")
    [cid] = col.find_cards(f"nid:{note.id}")
    now_ms = int(time.time() * 1000) - 60_000
    for offset, ease, kind in ((0, 0, 4), (1, 3, 1)):
        col.db.execute("INSERT INTO revlog (id, cid, usn, ease, ivl, last_ivl, factor, time, "
                       "type) VALUES (?, ?, -1, ?, 1, 0, 2500, 5000, ?)",
                       (now_ms + offset, cid, ease, kind))
    assert col.find_cards("resched:0") == []
    assert col.find_cards("resched:1") == [cid]
    assert col.find_cards("rated:0") == [cid]
    assert col.find_cards("rated:1:3") == [cid]
