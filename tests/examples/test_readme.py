"""The README's "Writing an add-on" guide works as written: its add-on loads and its test passes."""

import json
import re
import subprocess
import sys
from pathlib import Path

from repetend.host.addons.loader import load_addons

README = Path(__file__).resolve().parents[2] / "README.md"


def guide_files():
    """The guide's code blocks, by the path in their first-line comment (the JSON block is
    the manifest of the add-on folder named in the Python block before it)."""
    text = README.read_text(encoding="utf-8")
    section = text[text.index("## Writing an add-on"):]
    section = section[:section.index("\n## ", 1)]
    files, folder = {}, None
    for lang, body in re.findall(r"```(\w+)\n(.*?)```", section, re.S):
        if lang == "json":
            files[f"{folder}/manifest.json"] = body
            continue
        path = re.match(r"# (\S+)\n", body)
        if path:
            files[path.group(1)] = body
            folder = folder or path.group(1).split("/")[0]
    return files


def write_guide(root):
    files = guide_files()
    assert set(files) == {"night_owl/__init__.py", "night_owl/manifest.json",
                          "tests/test_night_owl.py"}
    for name, body in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(body, encoding="utf-8")
    return json.loads(files["night_owl/manifest.json"])


def test_the_guides_add_on_loads_as_an_installed_add_on(tmp_path, host):
    manifest = write_guide(tmp_path)
    assert manifest["package"] == "night_owl"
    [record] = load_addons(host, tmp_path, quarantine=False)
    assert (record.package, record.status, record.hooks) == ("night_owl", "loaded",
                                                             ["card_will_show"])
    assert host.card_will_show("q", None, "question") == "Q"


def test_the_guides_test_passes_with_the_installed_fixtures(tmp_path):
    write_guide(tmp_path)
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                           "tests"], cwd=tmp_path, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 passed" in done.stdout
