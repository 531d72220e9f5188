"""Text to speech: reading `{{tts ...}}` fields aloud with the system's voices.

It will provide the default voices as `trylast` implementations, so an add-on with other
voices takes precedence. It implements no hooks yet.
"""
