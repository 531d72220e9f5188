"""The one way file sizes are written for people (backup lists in the CLI and the GUI)."""

import pytest

from repetend.core.sizes import MIB, format_size


@pytest.mark.parametrize(("size", "text"), [
    (0, "0 KB"), (1500, "1 KB"), (700 * 1024, "700 KB"),
    (MIB, "1.0 MB"), (MIB * 3 // 2, "1.5 MB"), (250 * MIB, "250.0 MB"),
])
def test_sizes_read_in_kb_below_a_megabyte_and_in_mb_from_there(size, text):
    assert format_size(size) == text
