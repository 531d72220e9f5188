"""Hostile or broken packages are refused with the reason, before anything is written."""

import json
import stat
import warnings
import zipfile

import pytest

from repetend.host.addons import AddonManager
from repetend.host.addons.package import Limits, PackageError, check_zip

MANIFEST = json.dumps({"package": "evil", "name": "Evil"})


def entry(name, mode=None):
    info = zipfile.ZipInfo(name)
    if mode is not None:
        info.external_attr = mode << 16
    return info


def build(path, entries, compression=zipfile.ZIP_DEFLATED):
    with warnings.catch_warnings(), zipfile.ZipFile(path, "w", compression) as zf:
        warnings.simplefilter("ignore")  # zipfile warns on the duplicate name we want
        for name, data in entries:
            zf.writestr(name, data)
    return path


def valid(*extra):
    return [("manifest.json", MANIFEST), ("__init__.py", ""), *extra]


HOSTILE = {
    "traversal": (valid(("../../outside.py", "x")), "outside the add-on"),
    "nested traversal": (valid(("lib/../../outside.py", "x")), "outside the add-on"),
    "absolute path": (valid(("/etc/cron.d/evil", "x")), "absolute path"),
    "drive letter": (valid(("C:/Windows/evil.dll", "x")), "absolute path"),
    "backslash": (valid(("..\\outside.py", "x")), "backslash"),
    "symlink": (valid((entry("link", stat.S_IFLNK | 0o777), "/etc/passwd")), "is a link"),
    "device file": (valid((entry("dev", stat.S_IFCHR | 0o666), "")), "not a regular file"),
    "duplicate names": (valid(("__init__.py", "print('second')")), "appears twice"),
    "no manifest": ([("__init__.py", "")], "manifest.json is missing"),
    "manifest not JSON": ([("manifest.json", "{"), ("__init__.py", "")], "not valid JSON"),
    "manifest without name": ([("manifest.json", '{"package": "evil"}'),
                               ("__init__.py", "")], '"name"'),
    "package escaping": ([("manifest.json", '{"package": "../evil", "name": "E"}'),
                          ("__init__.py", "")], "invalid package name"),
    "no __init__": ([("manifest.json", MANIFEST)], "__init__.py is missing"),
    "bomb": (valid(("zeros.bin", b"\0" * (8 * 1024 * 1024))), "zip bomb"),
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_package_is_refused_and_nothing_is_written(tmp_path, kit, case):
    entries, reason = HOSTILE[case]
    path = build(tmp_path / "evil.repetend-addon", entries)
    addons = tmp_path / "profile" / "addons"
    with pytest.raises(PackageError, match=reason.replace("(", r"\(")):
        AddonManager(addons).install(str(path))
    assert kit.tree(tmp_path / "profile") == []
    assert kit.tree(tmp_path) == ["evil.repetend-addon"]


def test_refusal_leaves_an_existing_add_on_folder_untouched(tmp_path, kit):
    addons = tmp_path / "addons"
    kit.write_addon(addons, "evil", "ORIGINAL = True\n")
    before = {p: p.read_bytes() for p in addons.rglob("*") if p.is_file()}
    path = build(tmp_path / "evil.zip", valid(("../../x", "y")))
    with pytest.raises(PackageError):
        AddonManager(addons).install(str(path))
    assert {p: p.read_bytes() for p in addons.rglob("*") if p.is_file()} == before


def test_size_limits_per_file_total_and_count(tmp_path):
    limits = Limits(max_files=5, max_file_bytes=1000, max_total_bytes=1500)
    big = build(tmp_path / "big.zip", valid(("big.txt", "x" * 1001)), zipfile.ZIP_STORED)
    with pytest.raises(PackageError, match="limit per file"):
        check_zip(big, limits)
    total = build(tmp_path / "total.zip", valid(("a.txt", "x" * 800), ("b.txt", "y" * 800)),
                  zipfile.ZIP_STORED)
    with pytest.raises(PackageError, match="unpacks to more than"):
        check_zip(total, limits)
    many = build(tmp_path / "many.zip", valid(*[(f"f{i}", "") for i in range(4)]))
    with pytest.raises(PackageError, match="6 entries; the limit is 5"):
        check_zip(many, limits)


def test_a_header_that_understates_a_size_cannot_slip_past(tmp_path):
    """A zip whose central directory claims a small size for a large file: the copy counts
    the bytes itself (and zipfile's CRC check catches the rest)."""
    path = build(tmp_path / "liar.zip", valid(("data.txt", "A" * 5000)), zipfile.ZIP_STORED)
    raw = bytearray(path.read_bytes())
    # Patch the uncompressed size (offset 24 in the central directory record) of data.txt.
    index = raw.rfind(b"data.txt")  # the central directory comes after the file data
    record = raw.rfind(b"PK\x01\x02", 0, index)
    raw[record + 24:record + 28] = (10).to_bytes(4, "little")
    path.write_bytes(bytes(raw))
    addons = tmp_path / "addons"
    with pytest.raises(PackageError, match="larger than it declares|damaged"):
        AddonManager(addons).install(str(path))
    assert not (addons / "evil").exists()
    assert [p.name for p in addons.iterdir()] == []  # the staging folder is gone too


def test_not_a_zip_at_all(tmp_path):
    path = tmp_path / "fake.repetend-addon"
    path.write_bytes(b"this is not a zip")
    with pytest.raises(PackageError, match="not a readable zip"):
        AddonManager(tmp_path / "addons").install(str(path))
    assert not (tmp_path / "addons").exists()


def test_the_cli_says_why_and_exits_1(tmp_path, kit, base, profile_addons):
    path = build(tmp_path / "evil.zip", valid(("../../escape.py", "x")))
    proc = kit.run_cli(base, "addons", "install", str(path), check=False)
    assert proc.returncode == 1
    assert proc.stderr.strip() == (f"repetend: error: cannot install {path}: the entry "
                                   "'../../escape.py' points outside the add-on (..)")
    assert kit.tree(profile_addons) == []
