"""The settings file: defaults, each setting, and a broken file reported with its line."""

from __future__ import annotations

from pathlib import Path

import pytest

from reader.data.config import ACTIONS, Config, config_file, key_name, load_config


def write(text: str) -> str:
    path = Path(config_file())
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_a_missing_file_means_the_defaults():
    assert not Path(config_file()).exists()
    assert config_file().endswith("config.toml")
    assert load_config() == Config(keys={}, sort="newest", theme=None, problem=None)


def test_every_setting():
    write('sort = "quality"\ntheme = "nord"\n\n[keys]\nstar = "*,s"\nread = ["m", "r"]\nquit = "ctrl+q"\n')
    config = load_config()
    assert config.problem is None
    assert config.sort == "quality"
    assert config.theme == "nord"
    # Named by their Binding ids, as App.set_keymap wants them.
    assert config.keys == {"toggle_star": "asterisk,s", "toggle_read": "m,r", "quit": "ctrl+q"}
    assert set(config.keys) <= set(ACTIONS)


def test_actions_by_their_full_names():
    write('[keys]\ntoggle_star = "f"\ncycle_sort = "o"\nunread = "U"\n')
    config = load_config()
    assert config.problem is None
    assert config.keys == {"toggle_star": "f", "cycle_sort": "o", "toggle_unread": "U"}


@pytest.mark.parametrize("sort", ["newest", "oldest", "quality", "heat", "coverage", "provider", "title"])
def test_each_sort(tmp_path, sort):
    path = tmp_path / "c.toml"
    path.write_text(f'sort = "{sort}"\n')
    assert load_config(str(path)) == Config(sort=sort)


def test_keys_are_written_as_textual_names():
    assert [key_name(key) for key in ["*", "?", "/", "-", " ", "a", "G", "ctrl+r", "pagedown"]] == [
        "asterisk", "question_mark", "slash", "minus", "space", "a", "G", "ctrl+r", "pagedown"]
    write('[keys]\nhelp = "?, h"\nsearch = ","\ncopy_link = ["comma", "c", "c"]\n')
    config = load_config()
    assert config.problem is None
    assert config.keys == {"help": "question_mark,h", "search": "comma", "copy_link": "comma,c"}


def test_a_broken_file_is_reported_with_its_line_and_the_defaults_used():
    path = write('sort = "oldest"\ntheme = "nord"\nthis line is wrong\n')
    config = load_config()
    assert config.problem.startswith(f"{path} line 3, column 6: expected '='")
    assert "config.toml line 3" in config.problem
    assert (config.sort, config.theme, config.keys) == ("newest", None, {})


def test_a_file_cut_short_is_reported():
    write('sort = "oldest"\n[keys\n')
    assert "config.toml line 2" in load_config().problem


def test_a_bad_sort_is_reported_and_the_rest_applies():
    write('sort = "best"\ntheme = "nord"\n')
    config = load_config()
    assert "config.toml: sort must be one of newest, oldest, quality, heat, coverage, provider, title" \
        in config.problem
    assert "'best'" in config.problem
    assert (config.sort, config.theme) == ("newest", "nord")


def test_wrong_types_are_reported():
    write('sort = 3\ntheme = ""\nkeys = "x"\n')
    config = load_config()
    assert "sort must be one of" in config.problem
    assert "theme must be" in config.problem
    assert "keys must be a table" in config.problem
    assert config == Config(problem=config.problem)


def test_an_unknown_action_is_reported_and_the_rest_applies():
    write('[keys]\nfly = "f"\nstar = "s"\nread = 5\nraw = ""\n')
    config = load_config()
    assert "unknown action 'fly'" in config.problem
    assert "keys.toggle_read must be a string" in config.problem
    assert "keys.raw has an empty key" in config.problem
    assert config.keys == {"toggle_star": "s"}


def test_unknown_settings_and_sections_are_reported():
    write('colour = "red"\nsort = "title"\n[display]\nwide = true\n')
    config = load_config()
    assert "unknown setting 'colour'" in config.problem
    assert "unknown setting 'display'" in config.problem
    assert config.sort == "title"


def test_a_file_that_is_not_text_is_reported():
    write("")
    Path(config_file()).write_bytes(b'theme = "\xff\xfe"\n')
    config = load_config()
    assert config.problem and "config.toml" in config.problem
    assert config.theme is None


def test_a_folder_in_place_of_the_file_is_reported():
    Path(config_file()).mkdir(parents=True)
    config = load_config()
    assert "cannot be read" in config.problem


def test_every_action_has_default_keys():
    assert all(keys for keys in ACTIONS.values())
    assert {"toggle_star", "toggle_read", "quit", "help", "cycle_sort"} <= set(ACTIONS)


def test_the_actions_are_the_apps_bindings():
    from reader.app import ReaderApp

    bindings = {binding.id: binding.key for binding in ReaderApp.BINDINGS if binding.id}
    assert bindings == ACTIONS


def test_the_settings_help_names_every_action():
    import re

    import reader.data.config as config_module

    described = config_module.__doc__.split("The actions and their default keys are in ACTIONS:")[1]
    described = described.split("In `Config.keys`")[0]
    assert set(ACTIONS) <= set(re.findall(r"[a-z_]+", described))
