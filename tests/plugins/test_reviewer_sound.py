"""Reviewer sounds through a real QAudioOutput: replaying (r) and moving on never hang.

Qt's FFmpeg audio thread used to wait for the GIL inside one of Qt's mutexes (the first
`disconnectNotify` of a Python-made QAudioOutput) while our thread, holding the GIL,
waited for that mutex in `QMediaPlayer.stop()`/`setSource()`: the reviewer froze. It
struck most often with a new output, so these tests make many. A deadlock never returns
to Python: a C watchdog (faulthandler) ends the run, failed, with every thread's stack.
"""

import faulthandler
import os
import random
import wave

import pytest
from shiboken6 import Shiboken

from repetend.host.qt import QApplication, QEvent, QMediaPlayer
from repetend.plugins.reviewer import screen
from repetend.plugins.reviewer.screen import SoundPlayer


@pytest.fixture
def hang_is_failure(pytestconfig):
    """Neither pytest-timeout's signal nor its thread can run while Python's main thread
    is stuck in C holding the GIL; faulthandler's watchdog thread needs no GIL. It writes
    every thread's stack to the real stderr (not pytest's capture) and ends the run."""
    capture = pytestconfig.pluginmanager.getplugin("capturemanager")
    with capture.global_and_fixture_disabled():
        stderr = os.fdopen(os.dup(2), "w")
    faulthandler.dump_traceback_later(120, exit=True, file=stderr)
    yield
    faulthandler.cancel_dump_traceback_later()
    stderr.close()


def write_wav(path, ms):
    """`ms` milliseconds of silence (8 kHz mono PCM)."""
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(8000)
        out.writeframes(bytes(16 * ms))
    return path


@pytest.fixture
def sounds(tmp_path):
    return [write_wav(tmp_path / f"s{ms}.wav", ms) for ms in (20, 50, 100, 200)]


def dispose(player):
    """Delete a player now, as closing a reviewer does, while Qt is running."""
    player.stop()
    player.deleteLater()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def test_sounds_play_through_an_output_qt_made_itself(qtbot, sounds):
    player = SoundPlayer()
    problems = []
    player.problem.connect(problems.append)
    player.play([sounds[0], sounds[1]])
    # The output is Qt's own object: no virtual call on it can wait for Python.
    assert player._output is not None
    assert not Shiboken.createdByPython(player._output)
    assert player._player.audioOutput() == player._output
    # The queue still advances: the second file is loaded after the first ended.
    qtbot.waitUntil(lambda: player._player.source().toLocalFile() == str(sounds[1]),
                    timeout=5000)
    qtbot.waitUntil(lambda: player._player.mediaStatus()
                    == QMediaPlayer.MediaStatus.EndOfMedia, timeout=5000)
    assert problems == []
    dispose(player)


def test_missing_or_unplayable_sounds_are_reported_and_the_queue_goes_on(qtbot, sounds,
                                                                        tmp_path):
    broken = tmp_path / "broken.mp3"
    broken.write_bytes(b"not a sound at all" * 50)
    player = SoundPlayer()
    problems = []
    player.problem.connect(problems.append)
    player.play([tmp_path / "gone.wav", broken, sounds[0]])
    assert problems[0] == "Sound file not found: gone.wav"
    qtbot.waitUntil(lambda: len(problems) == 2, timeout=5000)
    assert problems[1].startswith("Could not play a sound: ")
    qtbot.waitUntil(lambda: player._player.source().toLocalFile() == str(sounds[0]),
                    timeout=5000)
    dispose(player)


@pytest.mark.parametrize("made_by", ["qml", "python"])
def test_replaying_and_moving_on_many_times_never_hangs(qtbot, sounds, monkeypatch, made_by,
                                                       hang_is_failure):
    """Many new outputs, each stopped and replaced mid-sound or as a sound ends. Before the
    fix this loop hung the process in 5 runs of 12."""
    if made_by == "python":  # a machine without QtQml: the Python-made, warmed output
        monkeypatch.setattr(screen, "QQmlEngine", None)
    rnd = random.Random(7)
    problems = []
    for _ in range(40):
        player = SoundPlayer()
        player.problem.connect(problems.append)
        for _ in range(4):
            if rnd.random() < 0.7:
                player.play(rnd.sample(sounds, rnd.randint(1, 3)))  # r, or the next card
            else:
                player.stop()  # leaving the card
            qtbot.wait(rnd.choice((0, 5, 20, 50, 100)))
        assert Shiboken.createdByPython(player._output) == (made_by == "python")
        dispose(player)
    # Replaying still plays to the end of the queue afterwards.
    player = SoundPlayer()
    player.play([sounds[0], sounds[2]])
    qtbot.waitUntil(lambda: player._player.source().toLocalFile() == str(sounds[2]),
                    timeout=5000)
    dispose(player)
    assert problems == []
