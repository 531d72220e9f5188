"""Add-ons shipped as Python distributions: built here as a wheel and an sdist, installed
with `repetend addons install` (pip in Repetend's own interpreter), listed, updated and
removed, without the network.

So that the shared development environment never gains a test distribution, Repetend runs
from a throwaway virtual environment that sees the development one's packages (through a
`.pth` file) but installs into its own `site-packages`. The generated project builds with
a small in-tree PEP 517 backend written below, because the setuptools available offline
here cannot build wheels without the separate `wheel` package; pip itself does the build
(`pip wheel --no-deps --no-build-isolation`), exactly as for any project.
"""

import os
import subprocess
import sys
import sysconfig
import textwrap

import pytest

BACKEND = '''
"""Builds a pure-Python wheel or sdist with the standard library only."""
import base64, hashlib, io, os, tarfile, zipfile

NAME, VERSION, PACKAGE = {name!r}, {version!r}, {package!r}
DIST = NAME.replace("-", "_") + "-" + VERSION
METADATA = f"Metadata-Version: 2.1\\nName: {{NAME}}\\nVersion: {{VERSION}}\\n"


def get_requires_for_build_wheel(config_settings=None):
    return []


def get_requires_for_build_sdist(config_settings=None):
    return []


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    info = DIST + ".dist-info/"
    files = {{info + "METADATA": METADATA,
             info + "WHEEL": "Wheel-Version: 1.0\\nGenerator: test\\nRoot-Is-Purelib: true\\n"
                             "Tag: py3-none-any\\n",
             info + "entry_points.txt": f"[repetend]\\n{{PACKAGE}} = {{PACKAGE}}\\n"}}
    for name in sorted(os.listdir(PACKAGE)):
        if name.endswith(".py"):
            with open(os.path.join(PACKAGE, name)) as f:
                files[PACKAGE + "/" + name] = f.read()
    name = DIST + "-py3-none-any.whl"
    record = []
    with zipfile.ZipFile(os.path.join(wheel_directory, name), "w") as zf:
        for path, text in files.items():
            data = text.encode()
            digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=")
            record.append(f"{{path}},sha256={{digest.decode()}},{{len(data)}}")
            zf.writestr(path, data)
        record.append(info + "RECORD,,")
        zf.writestr(info + "RECORD", "\\n".join(record) + "\\n")
    return name


def build_sdist(sdist_directory, config_settings=None):
    name = DIST + ".tar.gz"
    with tarfile.open(os.path.join(sdist_directory, name), "w:gz") as tar:
        for path in ("pyproject.toml", "backend.py", PACKAGE):
            tar.add(path, arcname=DIST + "/" + path)
        data = METADATA.encode()
        info = tarfile.TarInfo(DIST + "/PKG-INFO")
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    return name
'''

ADDON = """
from repetend.hooks import hookimpl

@hookimpl
def card_will_show(html):
    return html + "<{tag}>"
"""


@pytest.fixture(scope="module")
def child_python(tmp_path_factory):
    """A virtual environment that sees the development packages but installs on its own."""
    root = tmp_path_factory.mktemp("venv")
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(root)], check=True)
    python = root / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    purelib = subprocess.run([str(python), "-c", "import sysconfig; "
                              "print(sysconfig.get_paths()['purelib'])"],
                             check=True, capture_output=True, text=True).stdout.strip()
    parent = sysconfig.get_paths()["purelib"]
    with open(os.path.join(purelib, "_repetend_parent.pth"), "w") as f:
        f.write(f"import site; site.addsitedir({parent!r})\n")
    return str(python)


def make_project(folder, *, version, tag, name="repetend-shout", package="shout"):
    (folder / package).mkdir(parents=True)
    (folder / package / "__init__.py").write_text(textwrap.dedent(ADDON.format(tag=tag)))
    (folder / "backend.py").write_text(BACKEND.format(name=name, version=version,
                                                      package=package))
    (folder / "pyproject.toml").write_text(
        '[build-system]\nrequires = []\nbuild-backend = "backend"\nbackend-path = ["."]\n')
    return folder


def pip_wheel(python, project, out):
    subprocess.run([python, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                    "--no-index", "--wheel-dir", str(out), str(project)],
                   check=True, capture_output=True, text=True)
    return next(out.glob("*.whl"))


@pytest.fixture
def offline_env():
    return {**os.environ, "PIP_NO_INDEX": "1", "PIP_DISABLE_PIP_VERSION_CHECK": "1"}


def show(kit, base, python, env):
    card = kit.cli_json(base, "cards", python=python, env=env)[0]["id"]
    return kit.cli_json(base, "render", str(card), python=python, env=env)["question"]


def test_a_wheel_installs_lists_updates_disables_and_removes(tmp_path, kit, child_python,
                                                             offline_env):
    base = tmp_path / "base"
    py, env = child_python, offline_env
    wheel1 = pip_wheel(py, make_project(tmp_path / "v1", version="1.0", tag="v1"),
                       tmp_path / "dist1")
    wheel2 = pip_wheel(py, make_project(tmp_path / "v2", version="2.0", tag="v2"),
                       tmp_path / "dist2")

    out = kit.cli_json(base, "addons", "install", str(wheel1), python=py, env=env)
    assert out == {"packages": ["shout"],
                   "messages": ["Installed repetend-shout 1.0.", "Add-on shout is enabled."]}
    row = kit.cli_json(base, "addons", "list", python=py, env=env)["addons"][0]
    assert {k: row[k] for k in ("package", "name", "version", "kind", "status", "hooks")} == {
        "package": "shout", "name": "repetend-shout", "version": "1.0",
        "kind": "distribution", "status": "loaded", "hooks": ["card_will_show"]}
    assert row["load_ms"] is not None
    assert show(kit, base, py, env).endswith("<v1>")
    plugins = kit.cli_json(base, "plugins", python=py, env=env)["plugins"]
    assert ("shout", "active") in [(p["name"], p["status"]) for p in plugins]

    kit.cli_json(base, "addons", "disable", "shout", python=py, env=env)
    assert not show(kit, base, py, env).endswith("<v1>")
    out = kit.cli_json(base, "addons", "install", str(wheel2), python=py, env=env)
    assert out["messages"] == ["Installed repetend-shout 2.0.", "Add-on shout is enabled."]
    assert show(kit, base, py, env).endswith("<v2>")

    out = kit.cli_json(base, "addons", "remove", "shout", python=py, env=env)
    assert out["messages"] == ["Removed repetend-shout (shout): uninstalled repetend-shout."]
    assert kit.cli_json(base, "addons", "list", python=py, env=env)["addons"] == []
    # The development environment never saw it.
    from importlib.metadata import entry_points

    assert "shout" not in {ep.name for ep in entry_points(group="repetend")}


def test_an_sdist_is_built_and_installed_by_pip(tmp_path, kit, child_python, offline_env):
    project = make_project(tmp_path / "proj", version="0.3", tag="sd", name="repetend-sd",
                           package="sd_addon")
    (project / "out").mkdir()
    subprocess.run([child_python, "-c", "import backend; backend.build_sdist('out')"],
                   cwd=project, check=True, env={**offline_env, "PYTHONPATH": str(project)})
    # pip builds the wheel from it in an isolated environment; `requires = []` means that
    # environment needs nothing from an index.
    sdist = next((project / "out").glob("*.tar.gz"))
    base = tmp_path / "base"
    out = kit.cli_json(base, "addons", "install", str(sdist), python=child_python,
                       env=offline_env)
    assert out["packages"] == ["sd_addon"]
    assert show(kit, base, child_python, offline_env).endswith("<sd>")
    kit.cli_json(base, "addons", "remove", "sd_addon", python=child_python, env=offline_env)


def test_a_distribution_without_the_entry_point_group_is_reported(tmp_path, kit,
                                                                 child_python, offline_env):
    project = make_project(tmp_path / "plain", version="1.0", tag="x", name="not-an-addon",
                           package="plain")
    backend = project / "backend.py"
    backend.write_text(backend.read_text().replace('"[repetend]', '"[other]'))
    wheel = pip_wheel(child_python, project, tmp_path / "dist")
    base = tmp_path / "base"
    out = kit.cli_json(base, "addons", "install", str(wheel), python=child_python,
                       env=offline_env)
    assert out == {"packages": [], "messages": [
        "Installed not-an-addon 1.0, but it declares no add-on (no entry point in the "
        "'repetend' group)."]}
    subprocess.run([child_python, "-m", "pip", "uninstall", "-y", "not-an-addon"],
                   check=True, capture_output=True)


def test_pip_failure_is_reported_with_pips_words(tmp_path, kit, child_python, offline_env):
    base = tmp_path / "base"
    proc = kit.run_cli(base, "addons", "install", "no-such-addon-anywhere==1",
                       python=child_python, env=offline_env, check=False)
    assert proc.returncode == 1
    assert "cannot install no-such-addon-anywhere==1: pip install failed" in proc.stderr
    assert "No matching distribution" in proc.stderr or "Could not find" in proc.stderr
