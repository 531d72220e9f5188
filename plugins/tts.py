"""Text to speech: reading `{{tts ...}}` fields aloud with the system's voices.

It will give the system's voices through `register_tts_engines` (`repetend.hooks.tts`);
add-on engines are registered before it, so their voices are searched first. It implements
no hooks yet.
"""
