"""The Repetend process: startup, profiles, plugin manager, CLI and the Qt shell."""
