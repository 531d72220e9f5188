"""File sizes as people read them: one rule for every list that shows one (the backups in
`repetend backups` and in File → Open Backup…), so the same file reads the same everywhere."""

from __future__ import annotations

KIB = 1024
#: 1024-based, as Anki counts the sizes it reports (Check Media's trash line).
MIB = 1024 * KIB


def format_size(size: int) -> str:
    """`size` bytes as whole KB below 1 MB (`"12 KB"`), else MB with one decimal
    (`"1.5 MB"`); 1024-based."""
    if size < MIB:
        return f"{size / KIB:.0f} KB"
    return f"{size / MIB:.1f} MB"
