"""Morse code voice: a text-to-speech engine that "speaks" in Morse code beeps.

Hook family: text to speech (`register_tts_engines`). It offers one voice, "Morse", for
English; `{{tts en_US voices=Morse:Front}}` plays the field as a WAV file of beeps written
with the standard library only. A real engine would call a speech library or service in
`speak` the same way and return the sound file (or play it itself and return None).
"""

import math
import struct
import tempfile
import wave
from pathlib import Path

from repetend.hooks import hookimpl
from repetend.hooks.tts import TTSEngine, TTSVoice

CODE = {
    "a": ".-", "b": "-...", "c": "-.-.", "d": "-..", "e": ".", "f": "..-.", "g": "--.",
    "h": "....", "i": "..", "j": ".---", "k": "-.-", "l": ".-..", "m": "--", "n": "-.",
    "o": "---", "p": ".--.", "q": "--.-", "r": ".-.", "s": "...", "t": "-", "u": "..-",
    "v": "...-", "w": ".--", "x": "-..-", "y": "-.--", "z": "--..",
    "0": "-----", "1": ".----", "2": "..---", "3": "...--", "4": "....-", "5": ".....",
    "6": "-....", "7": "--...", "8": "---..", "9": "----.",
}
RATE = 8000  # samples per second
UNIT = 0.06  # seconds per dot at speed 1.0 (20 words a minute)
PITCH = 600  # Hz

VOICE = TTSVoice("Morse", "en_US")


def units(text):
    """(on, units) pairs: a dot is 1 unit on, a dash 3; gaps of 1, 3 (letters), 7 (words)."""
    out = []
    for word in text.lower().split():
        letters = [CODE[c] for c in word if c in CODE]
        for letter in letters:
            for symbol in letter:
                out += [(True, 1 if symbol == "." else 3), (False, 1)]
            out[-1] = (False, 3)
        if letters:
            out[-1] = (False, 7)
    return out[:-1]


def speak(text, voice, speed):
    unit = int(RATE * UNIT / speed)
    frames = bytearray()
    for on, length in units(text):
        for i in range(unit * length):
            sample = math.sin(2 * math.pi * PITCH * i / RATE) if on else 0.0
            frames += struct.pack("<h", int(sample * 12000))
    handle, name = tempfile.mkstemp(prefix="morse-", suffix=".wav")
    with open(handle, "wb") as file, wave.open(file, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes(bytes(frames))
    return Path(name)


@hookimpl
def register_tts_engines(register):
    register(TTSEngine("Morse code", voices=lambda: [VOICE], speak=speak))
