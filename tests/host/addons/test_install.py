"""Installing, updating, removing, enabling and configuring add-ons from zips and folders."""

import json

import pytest

from repetend.core.errors import InvalidInput, NotFoundError
from repetend.host.addons import AddonManager, load_addons
from repetend.host.plugins import PluginHost

HOOK = """
from repetend.hooks import hookimpl

@hookimpl
def card_will_show(html):
    return html + "<{tag}>"
"""


def shown(addons_dir):
    plugins = PluginHost()
    load_addons(plugins, addons_dir)
    return plugins.card_will_show("q", None, "question")


def test_install_from_zip_then_update_keeps_config_and_user_files(tmp_path, kit):
    addons = tmp_path / "addons"
    manager = AddonManager(addons)
    v1 = kit.addon_zip(tmp_path / "tagger-1.repetend-addon", "tagger", HOOK.format(tag="v1"),
                       version="1.0", extra={"config.json": '{"colour": "red", "size": 1}',
                                             "user_files/README": "shipped",
                                             "__pycache__/x.pyc": b"junk",
                                             "meta.json": '{"disabled": true}'})
    out = manager.install(str(v1))
    assert out.packages == ["tagger"] and out.messages == ["Installed Tagger 1.0 (tagger)."]
    assert shown(addons) == "q<v1>"
    assert not (addons / "tagger" / "__pycache__" / "x.pyc").exists()
    assert json.loads((addons / "tagger" / "meta.json").read_text())["disabled"] is False

    manager.set_config("tagger", '{"colour": "blue"}')
    (addons / "tagger" / "user_files" / "README").write_text("mine")
    (addons / "tagger" / "user_files" / "notes.txt").write_text("my notes")
    v2 = kit.addon_zip(tmp_path / "tagger-2.zip", "tagger", HOOK.format(tag="v2"),
                       version="2.0", extra={"config.json": '{"colour": "red", "size": 2}',
                                             "user_files/README": "shipped v2",
                                             "user_files/new.txt": "new default"})
    out = manager.install(str(v2))
    assert out.messages == ["Updated Tagger (tagger) from 1.0 to 2.0; kept your "
                            "configuration and user_files."]
    assert shown(addons) == "q<v2>"
    assert manager.config("tagger") == {"colour": "blue", "size": 2}  # new default, old edit
    user_files = addons / "tagger" / "user_files"
    assert (user_files / "README").read_text() == "mine"
    assert (user_files / "notes.txt").read_text() == "my notes"
    assert (user_files / "new.txt").read_text() == "new default"
    assert [p.name for p in addons.iterdir()] == ["tagger"]  # no staging or trash left

    out = manager.remove("tagger")
    assert out.messages == ["Removed Tagger (tagger)."]
    assert list(addons.iterdir()) == []


def test_install_from_a_folder_copies_it_and_skips_caches(tmp_path, kit):
    source = kit.write_addon(tmp_path / "src", "dev_addon", HOOK.format(tag="dev"),
                             files={"__pycache__/a.pyc": b"x", "lib/util.py": "X = 1\n",
                                    ".git/HEAD": "ref"})
    addons = tmp_path / "addons"
    AddonManager(addons).install(str(source))
    installed = addons / "dev_addon"
    assert sorted(p.relative_to(installed).as_posix() for p in installed.rglob("*")) == [
        "__init__.py", "lib", "lib/util.py", "manifest.json", "meta.json"]
    assert shown(addons) == "q<dev>"
    assert (source / "__pycache__" / "a.pyc").exists()  # the source is left as it was


def test_install_from_a_zip_with_one_top_folder(tmp_path, kit):
    path = kit.write_zip(tmp_path / "download.zip", {
        "wrapped-main/manifest.json": json.dumps({"package": "wrapped", "name": "Wrapped"}),
        "wrapped-main/__init__.py": HOOK.format(tag="w")})
    addons = tmp_path / "addons"
    AddonManager(addons).install(str(path))
    assert shown(addons) == "q<w>"


def test_a_macos_zip_with_resource_forks(tmp_path, kit):
    path = kit.write_zip(tmp_path / "mac.zip", {
        "mac/manifest.json": json.dumps({"package": "mac", "name": "Mac"}),
        "mac/__init__.py": HOOK.format(tag="mac"),
        "__MACOSX/mac/._manifest.json": b"\0\5\26\7"})
    addons = tmp_path / "addons"
    AddonManager(addons).install(str(path))
    assert shown(addons) == "q<mac>"
    assert sorted(p.name for p in (addons / "mac").iterdir()) == [
        "__init__.py", "manifest.json", "meta.json"]


def test_a_missing_package_file_is_not_sent_to_pip(tmp_path):
    with pytest.raises(NotFoundError, match="does not exist"):
        AddonManager(tmp_path / "addons").install(str(tmp_path / "gone.repetend-addon"))


def test_folder_symlinks_are_refused(tmp_path, kit):
    source = kit.write_addon(tmp_path / "src", "linky", "")
    (source / "secret").symlink_to("/etc/passwd")
    with pytest.raises(InvalidInput, match="link"):
        AddonManager(tmp_path / "addons").install(str(source))
    assert not (tmp_path / "addons").exists()


def test_enable_disable_and_conflicts(tmp_path, kit):
    addons = tmp_path / "addons"
    manager = AddonManager(addons)
    manager.install(str(kit.addon_zip(tmp_path / "a.zip", "dark", HOOK.format(tag="dark"))))
    out = manager.install(str(kit.addon_zip(tmp_path / "b.zip", "night",
                                            HOOK.format(tag="night"), conflicts=["dark"])))
    assert out.messages[-1] == ("Disabled dark, which conflict(s) with night; "
                                "`repetend addons enable dark` switches back.")
    assert shown(addons) == "q<night>"
    out = manager.enable("dark")
    assert out.messages == ["Enabled Dark (dark).", "Disabled night, which conflict(s) with "
                            "dark; `repetend addons enable night` switches back."]
    assert shown(addons) == "q<dark>"
    manager.disable("dark")
    assert shown(addons) == "q"
    with pytest.raises(NotFoundError, match="dark, night"):
        manager.enable("nope")


def test_config_set_reset_and_validation(tmp_path, kit):
    addons = tmp_path / "addons"
    kit.write_addon(addons, "conf", "", files={"config.json": '{"a": 1, "b": 2}',
                                               "config.md": "# Help"})
    kit.write_addon(addons, "plain", "")
    manager = AddonManager(addons)
    assert manager.config("conf") == {"a": 1, "b": 2}
    assert manager.config_help("conf") == addons / "conf" / "config.md"
    assert manager.set_config("conf", '{"b": 3, "c": [1]}') == {"a": 1, "b": 3, "c": [1]}
    for bad in ('{"b": ', "[1, 2]", '"text"'):
        with pytest.raises(InvalidInput):
            manager.set_config("conf", bad)
    assert manager.config("conf") == {"a": 1, "b": 3, "c": [1]}
    assert manager.reset_config("conf") == {"a": 1, "b": 2}
    assert manager.config("plain") is None
    assert manager.set_config("plain", '{"x": 1}') == {"x": 1}


def test_damaged_meta_json_counts_as_empty(tmp_path, kit):
    addons = tmp_path / "addons"
    kit.write_addon(addons, "damaged", HOOK.format(tag="d"), files={"meta.json": "{oops"})
    assert shown(addons) == "q<d>"
    AddonManager(addons).disable("damaged")
    assert json.loads((addons / "damaged" / "meta.json").read_text()) == {"disabled": True}


def test_the_cli_installs_lists_configures_and_removes(tmp_path, kit, base, profile_addons):
    path = kit.addon_zip(tmp_path / "cli.repetend-addon", "cli_addon", HOOK.format(tag="c"),
                         extra={"config.json": '{"on": true}'}, requires=["helper"],
                         api={"min": 99})
    out = kit.cli_json(base, "addons", "install", str(path))
    assert out["messages"] == [
        "Installed Cli_Addon 1.0 (cli_addon).",
        "It will not load: it needs add-on API >=99, but this Repetend provides API 1.",
        "It requires helper, which is not installed."]
    row = kit.cli_json(base, "addons", "list")["addons"][0]
    assert (row["package"], row["status"]) == ("cli_addon", "incompatible")
    config = kit.cli_json(base, "addons", "config", "cli_addon", "--set", '{"on": false}')
    assert config["config"] == {"on": False}
    refused = kit.run_cli(base, "addons", "config", "cli_addon", "--set", "{bad", check=False)
    assert refused.returncode == 1 and "not valid JSON" in refused.stderr
    assert kit.cli_json(base, "addons", "config", "cli_addon", "--reset")["config"] == {
        "on": True}
    kit.run_cli(base, "addons", "remove", "cli_addon")
    assert kit.cli_json(base, "addons", "list")["addons"] == []
    missing = kit.run_cli(base, "addons", "remove", "cli_addon", check=False)
    assert missing.returncode == 1 and "no add-on 'cli_addon'" in missing.stderr
