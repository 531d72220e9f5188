"""Text-to-speech hooks: engines that read `{{tts ...}}` fields aloud."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from repetend.hooks._values import check_callable, check_name
from repetend.hooks.markers import hookspec


@dataclass(frozen=True)
class TTSVoice:
    """One voice of an engine."""

    #: As written in `{{tts en_US voices=NAME:Front}}` (ANKI-FACTS §4.3).
    name: str
    #: The language it speaks, in Anki's form: "en_US", "ja_JP".
    lang: str

    def __post_init__(self) -> None:
        check_name(self, "name", self.name)
        check_name(self, "lang", self.lang)


@dataclass(frozen=True)
class TTSEngine:
    """A speech engine: its voices and a way to speak with them."""

    #: Unique, shown in the voice list, e.g. "eSpeak".
    name: str
    #: The voices available now: `voices() -> Sequence[TTSVoice]` (may be slow; cached).
    voices: Callable[[], Sequence[TTSVoice]]
    #: Speak `text`: `speak(text, voice, speed) -> Path | None`, `speed` 1.0 for normal. It
    #: returns a sound file for the host to play, or None when the engine played it itself.
    speak: Callable[[str, TTSVoice, float], Path | None]

    def __post_init__(self) -> None:
        check_name(self, "name", self.name)
        check_callable(self, "voices", self.voices)
        check_callable(self, "speak", self.speak)


@hookspec
def register_tts_engines(register: Callable[[TTSEngine], None]) -> None:
    """Add text-to-speech engines.

    Call `register(TTSEngine(name, voices, speak))` once per engine. A `{{tts}}` tag is
    spoken by the first voice that matches its language and `voices=` list, searching
    engines in the order registered: add-ons before the built-in system voices. A value
    that is not a `TTSEngine`, or whose name another add-on registered first, is reported
    against this add-on and left out; if the implementation raises, none of its engines
    are used.

    :param register: the host's callback; call it with each engine.

    When it is called: when the first `{{tts}}` tag is played or the voice list is shown;
    do not keep `register` for later.
    """
