"""The settings file: key bindings, the default sort and the theme.

It is a TOML file in the user's config folder (`config_file()`, such as
~/.config/reader/config.toml on Linux). Every setting is optional and a
missing file means the defaults. For example::

    # The order of the story list when the reader starts: newest, oldest,
    # quality, heat, coverage, provider or title.
    sort = "quality"

    # One of Textual's themes (the ones the command palette offers, ctrl+p).
    # A theme picked in the app is remembered and wins over this one.
    theme = "nord"

    [keys]
    # action = "key,key" (or a list: ["*", "f"]). Keys are Textual key names
    # ("ctrl+r", "pagedown", "question_mark") or single characters ("*", "?").
    # Write a comma as "comma". Naming an action replaces its default keys.
    star = "*,f"
    read = "m,x"
    quit = "q,ctrl+q"

The actions and their default keys are in ACTIONS: quit, help, search,
cycle_sort (or sort), toggle_events (or events), toggle_unread (or unread), toggle_read (or read),
toggle_star (or star), topics, providers, raw, cycle_coverage_sort,
pick_compare, compare, outlet_view, export, open_link, copy_link and
problems. In `Config.keys` they are always the full names (the Binding ids),
with keys as Textual names, ready for App.set_keymap. A file that is not valid
TOML is reported with its line and the defaults are used; a bad or unknown
setting is reported, and the rest of the file still applies.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Mapping
from types import MappingProxyType
from typing import NamedTuple

from reader.data.index import SORTS

DEFAULT_SORT = "newest"

# Action (the id of its Binding in reader.app) -> its default keys, in Textual's key names.
# Keep in step with reader.app.ReaderApp.BINDINGS: a binding without an id cannot be rebound.
ACTIONS: dict[str, str] = {
    "quit": "q",
    "help": "question_mark",
    "search": "slash",
    "cycle_sort": "s",
    "toggle_events": "v",
    "toggle_unread": "u",
    "toggle_read": "m",
    "toggle_star": "asterisk",
    "topics": "t",
    "providers": "p",
    "raw": "r",
    "cycle_coverage_sort": "c",
    "pick_compare": "space",
    "compare": "x",
    "outlet_view": "P",
    "export": "e",
    "open_link": "o",
    "copy_link": "y",
    "problems": "exclamation_mark",
}
# Shorter names the file may use for the same actions.
ALIASES: dict[str, str] = {
    "star": "toggle_star",
    "read": "toggle_read",
    "unread": "toggle_unread",
    "sort": "cycle_sort",
    "events": "toggle_events",
}

# Textual's names for characters whose Unicode names it shortens (textual.keys).
_KEY_NAME_REPLACEMENTS = {
    "solidus": "slash",
    "reverse_solidus": "backslash",
    "commercial_at": "at",
    "hyphen_minus": "minus",
    "plus_sign": "plus",
    "low_line": "underscore",
}
_TOML_POSITION = re.compile(r"\s*\(at (?:line (\d+), column (\d+)|end of document)\)\s*$")


class Config(NamedTuple):
    keys: Mapping[str, str] = MappingProxyType({})  # action -> "key,key" (Textual key names)
    sort: str = DEFAULT_SORT
    theme: str | None = None
    problem: str | None = None  # what is wrong with the file, for a notice on start


def config_file() -> str:
    from platformdirs import user_config_dir

    return os.path.join(user_config_dir("reader", appauthor=False), "config.toml")


def load_config(path: str | None = None) -> Config:
    """The settings in `path` (default: config_file()); never raises."""
    path = config_file() if path is None else path
    try:
        with open(path, "rb") as file:
            raw = file.read()
    except FileNotFoundError:
        return Config()
    except OSError as error:
        return Config(problem=f"{path}: cannot be read ({error.strerror or error}); using the default settings.")
    import tomllib  # only when there is a file: most starts have none

    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except tomllib.TOMLDecodeError as error:
        return Config(problem=_decode_problem(path, error))
    except UnicodeDecodeError:
        return Config(problem=f"{path}: not UTF-8 text; using the default settings.")

    issues: list[str] = []
    sort = DEFAULT_SORT
    theme = None
    keys: dict[str, str] = {}
    for name, value in data.items():
        if name == "sort":
            if isinstance(value, str) and value.strip().lower() in SORTS:
                sort = value.strip().lower()
            else:
                issues.append(f"sort must be one of {', '.join(SORTS)}, not {_show(value)}")
        elif name == "theme":
            if isinstance(value, str) and value.strip():
                theme = value.strip()
            else:
                issues.append(f"theme must be the name of a theme, not {_show(value)}")
        elif name == "keys":
            if isinstance(value, dict):
                keys = _keys(value, issues)
            else:
                issues.append("keys must be a table: [keys] then lines such as star = \"*,f\"")
        else:
            issues.append(f"unknown setting {name!r} (known: sort, theme, [keys])")
    problem = f"{path}: {'; '.join(issues)}." if issues else None
    return Config(keys=keys, sort=sort, theme=theme, problem=problem)


def _keys(table: dict, issues: list[str]) -> dict[str, str]:
    keys: dict[str, str] = {}
    for action, value in table.items():
        action = ALIASES.get(action, action)
        if action not in ACTIONS:
            issues.append(f"unknown action {action!r} in [keys] (known: {', '.join(ACTIONS)})")
            continue
        if isinstance(value, str):
            # A lone "," is the comma key, not an empty list.
            listed = [value] if value.strip() == "," else value.split(",")
        elif isinstance(value, list) and all(isinstance(item, str) for item in value):
            listed = value
        else:
            issues.append(f"keys.{action} must be a string such as \"a,ctrl+b\", not {_show(value)}")
            continue
        names = [key_name(key) for key in listed]
        if not names or any(not name for name in names):
            issues.append(f"keys.{action} has an empty key: {_show(value)}")
            continue
        keys[action] = ",".join(dict.fromkeys(names))
    return keys


def key_name(key: str) -> str:
    """Textual's name for a key as written in the file: "*" -> "asterisk", "ctrl+r" as is."""
    key = key.strip() if key.strip() else key
    if key == " ":
        return "space"
    if len(key) != 1 or key.isalnum():
        return key
    try:
        name = unicodedata.name(key).lower().replace("-", "_").replace(" ", "_")
    except ValueError:
        name = {"\t": "tab"}.get(key, key)
    return _KEY_NAME_REPLACEMENTS.get(name, name)


def _decode_problem(path: str, error: tomllib.TOMLDecodeError) -> str:
    message = str(error)
    where = ""
    found = _TOML_POSITION.search(message)
    if found:
        message = message[: found.start()]
        where = f" line {found.group(1)}, column {found.group(2)}" if found.group(1) else " at the end of the file"
    message = message[:1].lower() + message[1:]
    return f"{path}{where}: {message}; using the default settings."


def _show(value: object) -> str:
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "a table"
    return repr(value)
