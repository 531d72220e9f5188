"""examples/morse_tts: a text-to-speech engine writing Morse code as a WAV file."""

import wave

import pytest


@pytest.fixture
def engine(example, host, register_plugin):
    register_plugin(example("morse_tts"), "morse_tts")
    [engine] = host.register_tts_engines()
    return engine.value


def seconds(path):
    with wave.open(str(path)) as sound:
        assert (sound.getnchannels(), sound.getsampwidth()) == (1, 2)
        return sound.getnframes() / sound.getframerate()


def test_it_offers_one_english_voice(engine):
    [voice] = engine.voices()
    assert (voice.name, voice.lang) == ("Morse", "en_US")


def test_speaking_writes_a_wav_of_the_right_length(engine):
    [voice] = engine.voices()
    path = engine.speak("SOS", voice, 1.0)
    try:
        # S = ... (5 units), O = --- (11), gaps of 3 between letters: 5+3+11+3+5 = 27 units.
        assert seconds(path) == pytest.approx(27 * 0.06)
    finally:
        path.unlink()


def test_faster_speech_is_shorter_and_unknown_characters_are_silent(engine):
    [voice] = engine.voices()
    slow, fast = engine.speak("hi!", voice, 1.0), engine.speak("hi", voice, 2.0)
    try:
        assert seconds(fast) == pytest.approx(seconds(slow) / 2)
    finally:
        slow.unlink()
        fast.unlink()
