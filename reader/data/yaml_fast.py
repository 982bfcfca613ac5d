"""A fast reading of the common front matter with rapidyaml, giving exactly what PyYAML gives.

PyYAML (libyaml's C parser, Python construction) is the reference and reads
every file this module declines. This one takes a file only when it can vouch
for the same result:

- syntax: libyaml's own parser (C, no objects built) accepts the text, so
  every error and its position still come from PyYAML;
- no anchors, aliases, tags, merge keys, block scalars, complex keys or
  directives (a cheap, conservative text test; a false alarm costs only speed);
- rapidyaml's JSON follows YAML 1.2: a plain `2020-06-10`, `yes`, `~`, `0x1f`,
  `1_000`, `.inf` or `12:30:00` stays text there, where YAML 1.1 (PyYAML) makes
  a date, a flag, None or a number. Every text that YAML 1.1 could resolve is
  counted in the JSON and in the source: when each of its occurrences is a
  plain value on its own line it is built as PyYAML builds it, when each is
  quoted it stays text, and anything else declines the file. Bare JSON numbers
  are checked against YAML 1.1's forms the same way (`1e5` is text to it).

A verdict alone (`reader check`) needs less: `load_title` reads the title from
rapidyaml's tree, with PyYAML's resolver where it is plain, after the same
syntax checks, and declines a possible plain `=`, the one plain text the safe
loader refuses to build.
"""

from __future__ import annotations

import collections
import contextlib
import datetime
import functools
import json
import os
import re
import threading

import yaml

try:  # an optional speed-up: without it PyYAML reads every file
    import ryml
except ImportError:  # pragma: no cover - depends on the platform's wheels
    ryml = None

# PyYAML's implicit resolvers (yaml/resolver.py), as one pattern: a text that
# matches may be read as something else than text by YAML 1.1.
_YAML11 = (
    r"(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF"
    r"|[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9_]+(?:[eE][-+][0-9]+)?"
    r"|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)"
    r"|[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+"
    r"|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+"
    r"|<<|~|null|Null|NULL|="
    r"|[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]"
    r"|[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?(?:[Tt]|[ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9]"
    r"(?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)"
)
# The first characters such a text can start with: most strings fail here at once.
_STARTS = r"(?=[-+.0-9<=~nNyYtTfFoO])"
# Such a text as a whole JSON string (the empty string too: PyYAML's null).
_JSON_CANDIDATE = re.compile(rb'"(' + (_STARTS + _YAML11).encode() + rb'|)"')
# ... as a plain block value on its own line: `key: 2020-06-10` or `- yes`.
_PLAIN_VALUE = re.compile(r"\n[ ]*(?:(?:- )*[^\s#'\"{\[][^\n:]*:|-)[ ]+(" + _STARTS + _YAML11 + r")[ ]*(?=\n)")
_QUOTED_VALUE = re.compile(r"([\"'])(" + _STARTS + _YAML11 + r"|)\1")
# YAML 1.1 floats: anything else JSON calls a float (`1e5`, `1.0e5`) is text to PyYAML.
_YAML11_FLOAT = re.compile(r"-?[0-9]+\.[0-9]*(?:[eE][-+][0-9]+)?\Z")
# Syntax this reading leaves to PyYAML: anchors, aliases, tags and block
# scalars where a value or item starts; complex keys; directives; escapes that
# could spell a YAML 1.1 text in quotes without showing it.
_UNUSUAL = re.compile(
    r"[&*!|>?](?<=[\s:\-?,\[{].)"
    r"(?:(?<=[&*])(?=[^\s,\[\]{}])|(?<=!)|(?<=[|>])(?=[-+0-9]*[ \t]*(?:#[^\n]*)?\n)|(?<=\?)(?=\s))"
)
_UNUSUAL_ESCAPE = re.compile(r"\\[xuU/ \t\r\n]")  # two patterns: each alone is found at C speed
# Merge keys and directives; line breaks and spaces that YAML 1.1 and 1.2 read
# differently, or that only one of them allows. Each is looked for with `in`: a text
# without a character wider than itself is not even scanned for it (a character set
# pattern took ten times as long).
_UNUSUAL_TEXTS = ("<<", "\n%", "\r", "\t", "\x85", "\u2028", "\u2029", "\ufeff")


def _unusual(front: str) -> bool:
    text = "\n" + front
    return (any(unusual in text for unusual in _UNUSUAL_TEXTS)
            or bool(_UNUSUAL.search(text)) or bool(_UNUSUAL_ESCAPE.search(text)))


class Declined(Exception):
    """This reading cannot vouch for the file: PyYAML reads it."""


def _decline(_token: str):
    raise Declined


def _float(token: str) -> float:
    if not _YAML11_FLOAT.match(token):
        raise Declined
    return float(token)


@functools.lru_cache(maxsize=1)
def _constructor() -> yaml.constructor.SafeConstructor:
    from reader.data.parse import _StoryLoader  # the lenient constructors the reference uses

    return _StoryLoader("")


# The shape nearly every date in a story file has, built as PyYAML's timestamp constructor
# builds it (a test holds the two alike): dates are mostly unique, and that constructor
# costs ~10 times as much.
_UTC_TIMESTAMP = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})Z")


@functools.lru_cache(maxsize=4096)
def _resolved(text: str) -> object:
    """What PyYAML makes of `text` as a plain scalar (values are immutable: shared safely)."""
    timestamp = _UTC_TIMESTAMP.fullmatch(text)
    if timestamp is not None:
        try:
            return datetime.datetime(*map(int, timestamp.groups()), tzinfo=datetime.timezone.utc)
        except ValueError:
            pass  # no such day or time (2019-02-29): PyYAML's reading keeps it as text
    loader = _constructor()
    tag = loader.resolve(yaml.ScalarNode, text, (True, False))
    # As a document of its own: the loader keeps what it built only until the document is done,
    # where construct_object alone would keep every text ever resolved for the process's life.
    value = loader.construct_document(yaml.ScalarNode(tag, text))
    if isinstance(value, (list, dict, set)):  # not a scalar after all
        raise Declined
    return value


def _resolve_plain(node: object, values: dict[str, object]) -> None:
    """Each text of `values` in the parsed document, as PyYAML builds it. Every occurrence of
    those texts in the file is a plain value (never a key, never quoted): the whole document
    can be rewritten by equality, with no look at where each came from."""
    if isinstance(node, dict):
        items = node.items()
    elif isinstance(node, list):
        items = enumerate(node)
    else:
        return
    for key, value in items:
        if isinstance(value, str):
            if value in values:
                node[key] = values[value]
        elif isinstance(value, (dict, list)):
            _resolve_plain(value, values)


_STDERR = 2
_stderr_lock = threading.Lock()


@contextlib.contextmanager
def _quiet_stderr():
    """rapidyaml writes its errors to the process's stderr before raising: in
    the app that is the terminal. Its text goes to /dev/null meanwhile (a lock:
    two threads must not save each other's redirection as the original)."""
    with _stderr_lock:
        try:
            saved = os.dup(_STDERR)
        except OSError:  # no stderr at all: nothing to guard
            yield
            return
        try:
            null = os.open(os.devnull, os.O_WRONLY | getattr(os, "O_CLOEXEC", 0))
            try:
                os.dup2(null, _STDERR)
            finally:
                os.close(null)
            yield
        finally:
            os.dup2(saved, _STDERR)
            os.close(saved)


def _tree(front: str, libyaml_accepts):
    """rapidyaml's tree of a text this reading can vouch for; Declined when unsure.

    `libyaml_accepts(front)` says whether libyaml parses the text.
    """
    if ryml is None or _unusual(front):
        raise Declined
    if not libyaml_accepts(front):
        raise Declined  # PyYAML reports the error, with its line and column
    try:
        with _quiet_stderr():
            return ryml.parse_in_arena(front.encode("utf-8"))
    except Exception:  # noqa: BLE001 - rapidyaml refuses what libyaml took
        raise Declined from None


# Where the plain text `=` may stand (a guess that may be wrong the safe way): YAML 1.1 reads
# it as its "value" type, which the safe loader refuses to build, wherever it is.
_MAYBE_PLAIN_EQUALS = re.compile(r"=(?<![^\s\[{,]=)(?![^\s,\]}:])")  # `=` first: found at C speed


def load_title(front: str, libyaml_accepts) -> dict:
    """The document's title alone, as PyYAML would build it: {"title": value}, or {} when
    it has none; Declined when unsure. For a file's verdict, which nothing else decides here:
    a text that does not build as a date or a number stays text, and the rest (tags, aliases,
    merge keys, a list as a key, `=`) is declined first."""
    return load_title_counting_items(front, libyaml_accepts)[0]


def load_title_counting_items(front: str, libyaml_accepts) -> tuple[dict, int | None]:
    """load_title, and how many items the top-level `related` key holds: 0 for no value,
    None when it is no list or is not there."""
    if _MAYBE_PLAIN_EQUALS.search(front):
        raise Declined
    tree = _tree(front, libyaml_accepts)
    try:
        return _title_of(tree)
    except Declined:
        raise
    except Exception:  # noqa: BLE001 - a tree this walk does not expect; PyYAML's reading reports it
        raise Declined from None


def _title_of(tree) -> tuple[dict, int | None]:
    root = tree.root_id()
    if not tree.is_map(root):
        raise Declined  # PyYAML's reading names what it is
    title = related = None
    child = tree.first_child(root)
    while child != ryml.NONE:
        key = bytes(tree.key(child))
        if key == b"title":
            title = child  # the last of duplicate keys wins, as in a full load
        elif key == b"related":
            related = child
        child = tree.next_sibling(child)
    return _title_value(tree, title), _items_in(tree, related)


def _items_in(tree, node) -> int | None:
    if node is None:
        return None
    if tree.is_seq(node):
        return tree.num_children(node)
    if not tree.is_map(node) and tree.val(node) is None and not tree.is_val_quoted(node):
        return 0  # an empty plain value
    return None


def _title_value(tree, title) -> dict:
    if title is None:
        return {}
    if tree.is_map(title):
        return {"title": {}}  # what it holds does not change the verdict: it is no text
    if tree.is_seq(title):
        return {"title": []}
    value = tree.val(title)  # None for an empty plain value
    text = "" if value is None else bytes(value).decode("utf-8")
    if tree.is_val_quoted(title):
        return {"title": text}
    return {"title": _resolved(text) if text else None}  # an empty plain value is null


def load(front: str, libyaml_accepts) -> object:
    """The document, as PyYAML would build it; Declined when unsure.

    `libyaml_accepts(front)` says whether libyaml parses the text.
    """
    tree = _tree(front, libyaml_accepts)
    try:
        root = tree.root_id()
        # Emitted as UTF-8 into a buffer of the measured size: twice as fast as a str.
        with _quiet_stderr():  # its emitter, too, writes why it stops (a depth past its own)
            text = bytes(ryml.emit_json_in_place(tree, bytearray(ryml.compute_json_length(tree, root)), root))
    except Exception:  # noqa: BLE001 - a tree rapidyaml cannot write as JSON
        raise Declined from None
    if not text:
        raise Declined  # nothing emitted: an empty document, which PyYAML names
    in_json = collections.Counter(_JSON_CANDIDATE.findall(text))
    if in_json:
        source = "\n" + front
        plain = collections.Counter(_PLAIN_VALUE.findall(source))
        quoted = collections.Counter(token for _quote, token in _QUOTED_VALUE.findall(source))
        to_resolve = set()
        for token_bytes, count in in_json.items():
            token = token_bytes.decode("ascii")  # YAML 1.1's forms are ASCII
            if plain[token] == count and not quoted[token]:
                to_resolve.add(token)
            elif quoted[token] != count or plain[token] or (token and source.count(token) != count):
                # Text when quoted, each copy of it a quoted value of its own: a quoted copy inside
                # another text ('say "yes"') would stand in for a plain one in a flow ([yes]).
                # (An empty text in the JSON is always quoted: an empty plain value is null.)
                raise Declined
    else:
        to_resolve = ()
    try:
        document = json.loads(text, strict=False, parse_float=_float, parse_constant=_decline)
    except (ValueError, RecursionError):
        raise Declined from None
    if to_resolve:
        try:
            _resolve_plain(document, {token: _resolved(token) for token in to_resolve})
        except Declined:
            raise
        except Exception:  # noqa: BLE001 - PyYAML's own reading reports it (a depth, a value)
            raise Declined from None
    if not isinstance(document, dict):
        raise Declined  # PyYAML's reading names what it is
    return document
