"""Read one story file into records, or say in plain words why it cannot be read.

Two readings share the same checks: `read_story` parses the whole front matter
into a `Story`; `read_entry` parses everything but the `related` list (which
is ~96% of a typical file's bytes) for the story list, and counts the related
items without building them. A full parse goes through `yaml_fast` (rapidyaml)
when it can vouch for PyYAML's result, and through PyYAML otherwise; a related
item whose exact text this process has read before is not parsed again.
"""

from __future__ import annotations

import collections
import errno
import functools
import hashlib
import os
import re
import stat
import threading
from collections.abc import Callable
from datetime import datetime
from typing import AnyStr, NamedTuple

import yaml

from reader.data import yaml_fast
from reader.data.dates import to_datetime
from reader.data.discover import DEFAULT_MAX_BYTES
from reader.data.kept import ARTICLES_KEPT, keeping_articles
from reader.data.records import Article, Entry, Image, NotAStory, Problem, Provider, Story, entry_of
from reader.data.sanitize import clean_line, clean_text

try:  # libyaml's C loader is ~10x faster; the pure-Python one is the fallback
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]


class _StoryLoader(_Loader):  # type: ignore[misc,valid-type]
    """The safe loader, but a plain scalar that only looks like a date or a number
    (`2020-13-45`, `0b_`) stays text instead of failing the whole file."""


def _lenient(construct):
    def constructor(loader, node):
        try:
            return construct(loader, node)
        except (ValueError, OverflowError):
            return loader.construct_scalar(node)
    return constructor


for _tag, _construct in (
    ("tag:yaml.org,2002:timestamp", yaml.constructor.SafeConstructor.construct_yaml_timestamp),
    ("tag:yaml.org,2002:int", yaml.constructor.SafeConstructor.construct_yaml_int),
    ("tag:yaml.org,2002:float", yaml.constructor.SafeConstructor.construct_yaml_float),
):
    _StoryLoader.add_constructor(_tag, _lenient(_construct))

STORY_SUFFIXES = frozenset({".md", ".markdown", ".txt", ".yaml", ".yml"})
# Coercing a parsed document visits at most this many values per byte of front
# matter: YAML aliases can make a small file expand into a huge tree.
_VALUES_PER_BYTE = 20
# libyaml composes nested collections by C recursion: tens of thousands of
# levels (`[[[[...`) overflow the C stack and kill the process. Texts that could
# nest deeper than a few hundred levels are measured with the parser first.
_MAX_DEPTH = 500
_NESTED_TOO_DEEPLY = "front matter is nested too deeply to read"
# Newer libyaml (in recent PyYAML wheels) stops at its own depth limit with this error.
_TOO_DEEP_FOR_YAML = "maximum nesting depth"
_MAYBE_DEEP = re.compile(r"(?:[-?][ \t]+){32}")
_DEEP_INDENT = "\n" + " " * 128
# Where compact nesting starts (`- -`, `- ?`, `? ?`, `? -`, `-\t`, `?\t`): one search for all six.
_DEEP_MARKERS = re.compile(r"[-?](?:\t| [-?])")
_MIN_VALUE_BUDGET = 20_000
_EXTRA_TEXT_LIMIT = 2_000
_READ_ON = 64 * 1024  # each read past the size a file had when it was opened
_INT64_MIN, _INT64_MAX = -(2**63), 2**63 - 1  # what the index can keep of a number

_FENCE = re.compile(rb"---[ \t]*\r?\n")


class _Patterns(NamedTuple):
    """The searches that cut a file, for its text or for its bytes. The list pass cuts the bytes:
    a text with a character beyond Latin-1 (an emoji, in many files) takes 2 or 4 bytes a
    character, and each search over it cost several times what it costs over the bytes.
    They anchor on "\n" rather than "^" with re.M, which is ~10x slower."""

    newline: str | bytes
    line_ends: str | bytes
    item_mark: str | bytes  # "- "
    closing_fence: re.Pattern
    related_key: re.Pattern
    any_related_key: re.Pattern
    flow_document: re.Pattern
    top_level_start: re.Pattern  # a line that starts the next top-level key
    first_item: re.Pattern

    @classmethod
    def of(cls, kind: type) -> "_Patterns":
        newline, line_ends, item_mark = ("\n", "\r\n", "- ") if kind is str else (b"\n", b"\r\n", b"- ")
        return cls(newline, line_ends, item_mark,
                   _compiled(r"\n(?:---|\.\.\.)[ \t]*(?=\r?\n|$)", kind),
                   _compiled(r"\nrelated[ \t]*:[ \t]*(?:#[^\n]*)?(?=\r?\n)", kind),
                   _compiled(r"\n[\"']?related[\"']?[ \t]*:", kind),
                   _compiled(r"\s*(?:#.*\n\s*)*[\[{!&*]", kind),
                   _compiled(r"[^\s#-]|-\S", kind),
                   _compiled(r"\r?\n( *)- ", kind))


def _compiled(source: str, kind: type) -> re.Pattern:
    """A pattern for a text (kind str) or for its bytes (kind bytes)."""
    return re.compile(source if kind is str else source.encode())


_PATTERNS = {str: _Patterns.of(str), bytes: _Patterns.of(bytes)}


class _Unreadable(Exception):
    """Internal: carries a Problem out of nested helpers."""

    def __init__(self, reason: str, line: int | None = None, column: int | None = None):
        super().__init__(reason)
        self.reason, self.line, self.column = reason, line, column


# --------------------------------------------------------------------------- reading


def _read_text(path: str, rel: str, max_bytes: int) -> str | NotAStory:
    """The file's text, decoded; NotAStory for a file that is not a story."""
    read = _read_bytes(path, rel, max_bytes)
    return read if isinstance(read, NotAStory) else _decoded(*read)


def _read_bytes(path: str, rel: str, max_bytes: int) -> tuple[bytes, int] | NotAStory:
    """(the file's bytes, where its text starts: after a UTF-8 BOM), checked as _read_text
    checks them but for their decoding; NotAStory for a file that is not a story."""
    is_story_name = os.path.splitext(path)[1].lower() in STORY_SUFFIXES
    try:
        # O_NONBLOCK: a FIFO that appeared since the folder was listed must not hang us.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise _Unreadable(_os_reason(exc)) from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise _Unreadable("not a regular file")
        if info.st_size > max_bytes:
            raise _Unreadable(
                f"file is {_size(info.st_size)}, over the {_size(max_bytes)} limit "
                "(--max-file-size raises it)"
            )
        # The size it has, plus one byte to see whether it grew; then small reads to its end.
        # A read allocates what it asks for: asking for the limit allocates the limit
        # (10 MiB) for every file, and the allocators keep some of it.
        data = os.read(fd, min(info.st_size, max_bytes) + 1)
        while len(data) <= max_bytes and (more := os.read(fd, min(_READ_ON, max_bytes + 1 - len(data)))):
            data += more
    except OSError as exc:
        raise _Unreadable(_os_reason(exc)) from None
    finally:
        os.close(fd)
    if len(data) > max_bytes:
        raise _Unreadable(f"file grew over the {_size(max_bytes)} limit while being read")
    start = 3 if data.startswith(b"\xef\xbb\xbf") else 0
    if not _FENCE.match(data, start) and data[start:].rstrip(b" \t\r\n") != b"---":
        if not is_story_name:
            return NotAStory(rel)
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):
            raise _Unreadable("UTF-16 text: story files must be UTF-8")
        if b"\0" in data[:8192]:
            raise _Unreadable("binary file, not text")
        raise _Unreadable("no front matter: the file does not begin with a --- line")
    if b"\0" in data:
        raise _Unreadable("binary file: it holds NUL bytes")
    return data, start


def _decoded(data: bytes, start: int) -> str:
    try:
        return data[start:].decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _Unreadable(f"not valid UTF-8: first bad byte at offset {exc.start + start}") from None


def _split(text: AnyStr) -> tuple[AnyStr, AnyStr]:
    """(front matter, body), of a text or of its bytes. The front matter starts on the file's line 2."""
    patterns = _PATTERNS[type(text)]
    first_break = text.find(patterns.newline)
    if first_break < 0:
        raise _Unreadable("front matter is not closed: no second --- line")
    closing = patterns.closing_fence.search(text, first_break)
    if closing is None:
        raise _Unreadable("front matter is not closed: no second --- line")
    front = text[first_break + 1 : closing.start() + 1]
    body = text[closing.end() :].lstrip(patterns.line_ends)
    return front, body


def _maybe_deep(front: str) -> bool:
    """Whether the text could nest deep enough to matter; C-speed searches first."""
    if front.count("[") + front.count("{") >= _MAX_DEPTH or _DEEP_INDENT in front:
        return True
    return _DEEP_MARKERS.search(front) is not None and _MAYBE_DEEP.search(front) is not None


def _check_depth(front: str) -> None:
    if not _maybe_deep(front):
        return
    depth = 0
    try:
        for event in yaml.parse(front, Loader=_Loader):  # libyaml's parser does not recurse
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > _MAX_DEPTH:
                    raise _Unreadable(_NESTED_TOO_DEEPLY)
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    except yaml.YAMLError as exc:
        _refuse_if_too_deep(exc)
        # Anything else: the load below reports it, with its line and column.


def _refuse_if_too_deep(exc: yaml.YAMLError) -> None:
    """libyaml's own depth limit, reported as ours."""
    if _TOO_DEEP_FOR_YAML in str(exc):
        raise _Unreadable(_NESTED_TOO_DEEPLY) from None


def _tag_refused(exc: yaml.MarkedYAMLError) -> str | None:
    """PyYAML's words for a tag the safe loader will not build, said for a reader of the file."""
    found = re.match(r"could not determine a constructor for the tag '([^']*)'", exc.problem or "")
    if not found:
        return None
    tag = found.group(1).replace("tag:yaml.org,2002:", "!!")
    return f"the tag {tag} is not read (tags that would build objects are refused)"


def _load_yaml(front: str) -> dict:
    return _load_yaml_saying_how(front)[0]


def _load_yaml_saying_how(front: str) -> tuple[dict, bool]:
    """(the document, whether the fast reading took it: then it holds no alias)."""
    _check_depth(front)
    return _load_measured(front)


def _load_measured(front: str) -> tuple[dict, bool]:
    """_load_yaml_saying_how, for a text whose depth was measured (_check_depth)."""
    fast = True
    try:
        document = yaml_fast.load(front, _is_yaml)
    except yaml_fast.Declined:
        fast = False
        document = _load_with_pyyaml(front)
    if document is None:
        raise _Unreadable("front matter is empty")
    if not isinstance(document, dict):
        raise _Unreadable(f"front matter is {_kind(document)}, not a set of keys and values")
    return document, fast


def _load_with_items_kept(front: str) -> dict:
    """The document, as _load_yaml gives it, but with each item of a block-style related list
    as a _BuiltItem read once in this process (see _KeptItems)."""
    document = _document_of_items(front)
    if document is None:
        _check_depth(front)
        document = _load_measured(front)[0]
    return document


class _WithoutKeptItems(NamedTuple):
    """A front matter whose block-style related items are known (see _without_kept_items)."""

    left: str  # the front matter without the items known: its related key stays
    keys: list[bytes]  # of each item's text, in file order
    known: list  # what is kept of each item: a _BuiltItem, _VOUCHED_FOR, or None for nothing
    missing: list[int]  # the places of the items `left` holds, in file order


def _without_kept_items(front: str, is_known: Callable[[object], bool]) -> _WithoutKeptItems | None:
    """The front matter without the related items this process knows (`is_known` says, of
    what _KeptItems holds of each); None when unsure, or when the reading does not keep.

    An item's text decides what it reads as when the cut is the document's own
    (the text before the related key stands on its own, so that key is no line
    of a text running over lines; no other related key can win over it), and
    when nothing in the item refers outside it (anchors, aliases and tags are
    declined by yaml_fast): each item then reads, alone or beside others, as it
    does in place.

    It also decides whether the item is YAML, and how deep it nests: every line
    of the block is an item's `- ` line, a line indented under it, or blank, so
    each item starts where libyaml's state is always the same (no open quote,
    flow or key; the related list's indentation) and is read from its own text
    alone. So the whole is YAML, no deeper than allowed, when `left` is and each
    known item was, where it was read: libyaml and the depth check read `left`.
    What is left of a YAML text (top-level keys, items of a block list) is YAML
    too, unless a cut between two items was no real one (a quoted text running
    over an item's `- ` line); then libyaml or rapidyaml refuses `left`, or
    rapidyaml reads fewer items in it than `missing` has: the caller checks.
    """
    if yaml_fast.ryml is None or not keeping_articles():
        return None  # the reference reading, or a process that reads a story at a time
    cut = _split_related(front)
    if cut is None or not cut.block:
        return None
    any_related_key = _PATTERNS[str].any_related_key
    if any_related_key.search("\n" + cut.before) or any_related_key.search("\n" + cut.after):
        return None
    if not cut.key_line_is_a_key():
        return None
    # The block is the key's line, then each item as `{indent}- ` and its text.
    key_line, *rest = cut.block.split("\n" + cut.indent + "- ")
    texts = [cut.indent + "- " + text for text in rest]
    keys = _kept_items.keys(texts)
    known = _kept_items.get(keys)
    missing = [index for index, item in enumerate(known) if not is_known(item)]
    left = cut.before + key_line + "\n" + "".join(texts[index] + "\n" for index in missing) + cut.after
    _check_depth(left)
    return _WithoutKeptItems(left, keys, known, missing)


def _document_of_items(front: str) -> dict | None:
    """The document with its related items built from their texts alone, those built before
    taken as they were kept; None when unsure."""
    cut = _without_kept_items(front, lambda item: isinstance(item, _BuiltItem))
    if cut is None:
        return None
    items, missing = cut.known, cut.missing
    try:
        document = yaml_fast.load(cut.left, _is_yaml)
        if "related" not in document:
            return None
        values = document.pop("related")
        if not missing:
            if values is not None:
                return None
        elif not isinstance(values, list) or len(values) != len(missing):
            return None
        else:
            built = [_built_item(value) for value in values]
            _kept_items.put([cut.keys[index] for index in missing], built)
            for index, item in zip(missing, built):
                items[index] = item
    except yaml_fast.Declined:
        return None
    document["related"] = items
    return document


def _title_of_items(front: str) -> dict | None:
    """yaml_fast.load_title's reading, of the file without the related items vouched for
    before (a verdict's: see read_verdict); None when unsure."""
    cut = _without_kept_items(front, lambda item: item is not None)
    if cut is None:
        return None
    try:
        title, items = yaml_fast.load_title_counting_items(cut.left, _is_yaml)
    except yaml_fast.Declined:
        return None
    if items != len(cut.missing):
        return None
    # Each is an item of its own, and nothing in it can change a verdict: a verdict reads no more.
    _kept_items.put([cut.keys[index] for index in cut.missing], [_VOUCHED_FOR] * len(cut.missing))
    return title


def _load_with_pyyaml(front: str) -> object:
    """The reference reading: every error, with its line and column, comes from here."""
    try:
        return yaml.load(front, Loader=_StoryLoader)
    except yaml.MarkedYAMLError as exc:
        _refuse_if_too_deep(exc)
        mark = exc.problem_mark or exc.context_mark
        reason = _tag_refused(exc) or exc.problem or exc.context or "unreadable YAML"
        line = mark.line + 2 if mark is not None else None  # +1 for "---", +1 for 1-based
        column = mark.column + 1 if mark is not None else None
        raise _Unreadable(f"front matter is not valid YAML: {clean_line(str(reason))}", line, column) from None
    except yaml.reader.ReaderError as exc:
        # A character YAML refuses (a raw control character, say): give its place.
        at = exc.position
        raise _Unreadable(
            f"front matter is not valid YAML: unacceptable character U+{exc.character:04X} ({exc.reason})",
            front.count("\n", 0, at) + 2, at - front.rfind("\n", 0, at),
        ) from None
    except yaml.YAMLError as exc:
        raise _Unreadable(f"front matter is not valid YAML: {clean_line(str(exc))}") from None
    except RecursionError:
        raise _Unreadable(_NESTED_TOO_DEEPLY) from None
    except (ValueError, OverflowError, TypeError) as exc:  # e.g. a timestamp out of range
        raise _Unreadable(f"front matter holds a value that cannot be read: {clean_line(str(exc))}") from None


def _os_reason(exc: OSError) -> str:
    if exc.errno == errno.EACCES or exc.errno == errno.EPERM:
        return "permission denied: the file cannot be read"
    if exc.errno == errno.ELOOP:
        return "symbolic link loop"
    if exc.errno == errno.ENOENT:
        return "file disappeared or is a broken symbolic link"
    if exc.errno == errno.EISDIR:
        return "is a folder, not a file"
    return f"cannot be read: {exc.strerror or exc}"


def _size(count: int) -> str:
    if count < 1024 * 1024:
        return f"{count / 1024:.0f} KiB"
    return f"{count / (1024 * 1024):.1f} MiB".replace(".0 MiB", " MiB")


def _problem(rel: str, exc: _Unreadable) -> Problem:
    return Problem(rel, exc.reason, exc.line, exc.column)


# --------------------------------------------------------------------------- full story


def _never_raises(read):
    """A file reader that returns a Problem where it would raise."""

    @functools.wraps(read)
    def safe(path: str, rel: str, max_bytes: int = DEFAULT_MAX_BYTES):
        try:
            return read(path, rel, max_bytes)
        except _Unreadable as exc:
            return _problem(rel, exc)
        except MemoryError:
            return Problem(rel, "too large to read into memory")
        except RecursionError:
            return Problem(rel, _NESTED_TOO_DEEPLY)

    return safe


@_never_raises
def read_story(path: str, rel: str, max_bytes: int = DEFAULT_MAX_BYTES) -> Story | Problem | NotAStory:
    """Parse a whole story file. Never raises."""
    text = _read_text(path, rel, max_bytes)
    if isinstance(text, NotAStory):
        return text
    front, body = _split(text)
    document = _load_with_items_kept(front)
    return build_story(document, rel, body, len(front))


@_never_raises
def read_verdict(path: str, rel: str, max_bytes: int = DEFAULT_MAX_BYTES) -> Problem | NotAStory | None:
    """What `read_story` says of the file, without its records: None for a story.

    Building the records can refuse a file only for its title, or for work
    beyond the budget, which only aliases (`*name`) can cause: without one, each
    value costs far less than the 20 a byte allowed. Where the fast reading can
    vouch for the file, only its title is read (yaml_fast.load_title); a file it
    declined may hold aliases: it is built whole, as `read_story` builds it.
    """
    text = _read_text(path, rel, max_bytes)
    if isinstance(text, NotAStory):
        return text
    front, body = _split(text)
    title = _title_of_items(front)
    if title is not None:
        require_title(title)
        return None
    _check_depth(front)
    try:
        require_title(yaml_fast.load_title(front, _is_yaml))
        return None
    except yaml_fast.Declined:
        pass  # read whole, as read_story reads it
    document, fast = _load_yaml_saying_how(front)
    if not fast:
        build_story(document, rel, body, len(front))
    else:
        require_title(document)
    return None


def read_raw(path: str, rel: str, max_bytes: int = DEFAULT_MAX_BYTES) -> str | Problem:
    """The file's text as it is on disk, made safe for a terminal."""
    try:
        text = _read_text(path, rel, max_bytes)
    except _Unreadable as exc:
        return _problem(rel, exc)
    if isinstance(text, NotAStory):
        return Problem(rel, "not a story file")
    return clean_text(text)


_ARTICLE_KEYS = frozenset({
    "title", "excerpt", "publishedDateTime", "webUrl", "ampWebUrl", "cdnAmpWebUrl",
    "type", "provider", "quality", "heat", "images",
})
_STORY_KEYS = _ARTICLE_KEYS | {
    "category", "topics", "published", "originalUrl", "removed", "secured", "related",
}


class _Coercer:
    """Turns a parsed document into records, leniently, with a bounded amount of work."""

    def __init__(self, budget: int) -> None:
        self.budget = budget
        self.warnings: list[str] = []

    def spend(self, count: int = 1) -> None:
        self.budget -= count
        if self.budget < 0:
            raise _Unreadable("front matter expands far beyond its size (YAML aliases)")

    def warn(self, message: str) -> None:
        if len(self.warnings) < 50:
            self.warnings.append(message)

    # scalars
    def line(self, value: object, key: str) -> str:
        text = self._text(value, key)
        return clean_line(text) if text else ""

    def long_text(self, value: object, key: str) -> str:
        text = self._text(value, key)
        return clean_text(text).strip() if text else ""

    def _text(self, value: object, key: str) -> str:
        self.spend()
        if value is None:
            return ""
        if isinstance(value, str):
            return value
        if isinstance(value, (bool, int, float, datetime)) or hasattr(value, "isoformat"):
            return str(value).lower() if isinstance(value, bool) else str(value)
        self.warn(f"{key} is {_kind(value)}, not text; left out")
        return ""

    def integer(self, value: object, key: str) -> int | None:
        self.spend()
        if value is None:
            return None
        if isinstance(value, bool):
            self.warn(f"{key} is true/false, not a number; left out")
            return None
        number = None
        if isinstance(value, int):
            number = value
        elif isinstance(value, float) and value == value and abs(value) != float("inf"):
            number = round(value)
        elif isinstance(value, str):
            try:
                number = round(float(value.strip()))
            except (ValueError, OverflowError):
                pass
        if number is None:
            self.warn(f"{key} {_show(value)} is not a number; left out")
        elif not _INT64_MIN <= number <= _INT64_MAX:  # the index keeps 64-bit integers, as SQLite does
            self.warn(f"{key} {_show(value)} is too large a number; left out")
            number = None
        return number

    def flag(self, value: object, key: str) -> bool | None:
        self.spend()
        if value is None or isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lower() in ("true", "yes", "false", "no"):
            return value.strip().lower() in ("true", "yes")
        if isinstance(value, int):
            return bool(value)
        self.warn(f"{key} {_show(value)} is not true or false; left out")
        return None

    def moment(self, value: object, key: str) -> tuple[datetime | None, str]:
        self.spend()
        if value is None:
            return None, ""
        moment = to_datetime(value)
        if moment is None:
            shown = clean_line(str(value))[:80] if isinstance(value, (str, int, float)) else _kind(value)
            self.warn(f"{key} {shown!r} is not a date; shown as unknown")
            return None, shown
        return moment, ""

    # structures
    def items(self, value: object, key: str) -> list:
        """A list, whatever was given: one value becomes a list of one."""
        self.spend()
        if value is None:
            return []
        if isinstance(value, list):
            self.spend(len(value))
            return value
        self.warn(f"{key} is {_kind(value)}, not a list; read as a list of one")
        return [value]

    def topics(self, value: object) -> tuple[str, ...]:
        topics = (self.line(topic, "a topic") for topic in self.items(value, "topics"))
        return tuple(topic for topic in topics if topic)

    def provider(self, value: object, key: str = "provider") -> Provider:
        self.spend()
        if value is None:
            return Provider()
        if isinstance(value, dict):
            return Provider(self.line(value.get("name"), f"{key}.name"),
                            self.line(value.get("domain"), f"{key}.domain"))
        if isinstance(value, (str, int, float)):
            self.warn(f"{key} is plain text, not a name and domain; read as its name")
            return Provider(name=self.line(value, key))
        self.warn(f"{key} is {_kind(value)}; left out")
        return Provider()

    def images(self, value: object, key: str) -> tuple[Image, ...]:
        images = []
        for item in self.items(value, key):
            if isinstance(item, str):
                images.append(Image(url=self.line(item, f"{key} item")))
            elif isinstance(item, dict):
                images.append(Image(
                    url=self.line(item.get("url"), f"{key}.url"),
                    width=self.integer(item.get("width"), f"{key}.width"),
                    height=self.integer(item.get("height"), f"{key}.height"),
                    is_cached=self.flag(item.get("isCached"), f"{key}.isCached"),
                    title=self.line(item.get("title"), f"{key}.title"),
                ))
            else:
                self.warn(f"an item of {key} is {_kind(item)}; left out")
        return tuple(images)

    def extra(self, mapping: dict, known: frozenset[str]) -> tuple[tuple[str, str], ...]:
        pairs = []
        for key, value in mapping.items():
            if key in known:
                continue
            self.spend()
            pairs.append((clean_line(str(key))[:100], clean_text(_bounded_text(value, self))))
        return tuple(pairs)

    def article(self, mapping: dict, where: str, known: frozenset[str] = _ARTICLE_KEYS) -> Article:
        published, _ = self.moment(mapping.get("publishedDateTime"), f"{where}publishedDateTime")
        return Article(
            title=self.line(mapping.get("title"), f"{where}title"),
            excerpt=self.long_text(mapping.get("excerpt"), f"{where}excerpt"),
            published=published,
            web_url=self.line(mapping.get("webUrl"), f"{where}webUrl"),
            amp_web_url=self.line(mapping.get("ampWebUrl"), f"{where}ampWebUrl"),
            cdn_amp_web_url=self.line(mapping.get("cdnAmpWebUrl"), f"{where}cdnAmpWebUrl"),
            type=self.line(mapping.get("type"), f"{where}type"),
            provider=self.provider(mapping.get("provider"), f"{where}provider"),
            quality=self.integer(mapping.get("quality"), f"{where}quality"),
            heat=self.integer(mapping.get("heat"), f"{where}heat"),
            images=self.images(mapping.get("images"), f"{where}images"),
            extra=self.extra(mapping, known),
        )


# An item's warnings name its place in the list it is in: a kept item's name it with this mark.
_ITEM_NUMBER = "\x00"  # never in a warning otherwise: what one quotes of a file is cleaned
_ITEM_BUDGET = 1 << 62  # an item alone, built whole: the story's coercer spends what it cost


class _BuiltItem(NamedTuple):
    """One related item, built from its text alone."""

    article: Article
    cost: int  # the values building it visited
    warnings: tuple[str, ...]  # with _ITEM_NUMBER for the item's number


def _built_item(value: object) -> _BuiltItem:
    """One related item's record, from its parsed value alone; Declined for a value that is no
    mapping (the whole reading says what it is)."""
    if not isinstance(value, dict):
        raise yaml_fast.Declined
    coercer = _Coercer(_ITEM_BUDGET)
    article = coercer.article(value, f"related {_ITEM_NUMBER}: ")
    return _BuiltItem(article, _ITEM_BUDGET - coercer.budget, tuple(coercer.warnings))


class _KeptItems:
    """What a process that keeps articles (see reader.data.kept) knows of related items, by
    their exact text: the item built from the text alone (a full read's), or _VOUCHED_FOR (a
    verdict's). The most recently used are kept.

    An item is found by a digest of its text, not the text: the text is about as large as all
    that is built of it (more with a character beyond Latin-1), and holding it would halve the
    items kept in the same memory."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: collections.OrderedDict[bytes, object] = collections.OrderedDict()  # see _WithoutKeptItems.known
        self._lock = threading.Lock()  # a process may read stories on several threads

    @staticmethod
    def keys(texts: list[str]) -> list[bytes]:
        """What finds each text's item: a digest of the text."""
        return [hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest() for text in texts]

    def get(self, keys: list[bytes]) -> list:
        with self._lock:
            found = [self._items.get(key) for key in keys]
            for key, item in zip(keys, found):
                if item is not None:
                    self._items.move_to_end(key)
        return found

    def put(self, keys: list[bytes], items: list) -> None:
        with self._lock:
            self._items.update(zip(keys, items))
            while len(self._items) > self.size:
                self._items.popitem(last=False)


_kept_items = _KeptItems(ARTICLES_KEPT)
# What a verdict keeps of an item: its text is YAML, and nothing in it can change a verdict.
_VOUCHED_FOR = True


def require_title(document: dict) -> str:
    """The story's title, or _Unreadable when there is none worth the name."""
    if "title" not in document:
        raise _Unreadable("no title: the front matter has no title key")
    if document["title"] is None:
        raise _Unreadable("no title: the title key has no value")
    value = document["title"]
    if isinstance(value, bool) or not isinstance(value, (str, int, float)) and not hasattr(value, "isoformat"):
        raise _Unreadable(f"title is {_kind(value)}, not text")
    title = clean_line(str(value))
    if not title:
        raise _Unreadable("title is empty")
    return title


def build_story(document: dict, rel: str, body: str = "", size: int = 0) -> Story:
    """Records from a parsed front matter. Raises _Unreadable when it has no title.

    `size` is the front matter's length in characters: it bounds the work.
    """
    require_title(document)
    coercer = _Coercer(max(_MIN_VALUE_BUDGET, _VALUES_PER_BYTE * size))
    article = coercer.article(document, "", _STORY_KEYS)
    raw_date = document.get("publishedDateTime")
    published_text = ""
    if article.published is None and isinstance(raw_date, (str, int, float)):
        published_text = clean_line(str(raw_date))[:80]
    related = []
    for index, item in enumerate(coercer.items(document.get("related"), "related"), 1):
        if isinstance(item, _BuiltItem):
            coercer.spend(item.cost)
            for warning in item.warnings:
                coercer.warn(warning.replace(_ITEM_NUMBER, str(index)))
            related.append(item.article)
        elif isinstance(item, dict):
            related.append(coercer.article(item, f"related {index}: "))
        else:
            coercer.warn(f"related item {index} is {_kind(item)}, not an article; left out")
    topics = coercer.topics(document.get("topics"))
    secured = document.get("secured")
    return Story(
        path=rel,
        article=article,
        category=coercer.line(document.get("category"), "category"),
        topics=topics,
        is_published=coercer.flag(document.get("published"), "published"),
        original_url=coercer.line(document.get("originalUrl"), "originalUrl"),
        removed=coercer.flag(document.get("removed"), "removed"),
        secured=clean_line(secured) if isinstance(secured, str) else "",
        related=tuple(related),
        body=clean_text(body).strip(),
        published_text=published_text,
        warnings=tuple(coercer.warnings),
    )


def _kind(value: object) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (bytes, bytearray)):
        return "binary data"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "text"
    return f"a {type(value).__name__}"


def _show(value: object) -> str:
    if isinstance(value, (str, int, float)):
        return repr(clean_line(str(value))[:40])
    return f"({_kind(value)})"


def _bounded_text(value: object, coercer: _Coercer) -> str:
    """A short text form of any parsed value; aliases cannot make it grow without end."""
    parts: list[str] = []
    length = 0

    def walk(item: object, depth: int) -> None:
        nonlocal length
        if length > _EXTRA_TEXT_LIMIT:
            return
        coercer.spend()
        if depth > 20:
            parts.append("…")
        elif isinstance(item, dict):
            parts.append("{")
            for key, inner in item.items():
                parts.append(f"{key}: ")
                walk(inner, depth + 1)
                parts.append(", ")
            parts.append("}")
        elif isinstance(item, list):
            parts.append("[")
            for inner in item:
                walk(inner, depth + 1)
                parts.append(", ")
            parts.append("]")
        elif isinstance(item, (bytes, bytearray)):
            parts.append(f"({len(item)} bytes of binary data)")
        else:
            parts.append("" if item is None else str(item).lower() if isinstance(item, bool) else str(item))
        length += len(parts[-1])

    walk(value, 0)
    text = "".join(parts).replace(", }", "}").replace(", ]", "]")
    return text if len(text) <= _EXTRA_TEXT_LIMIT else text[:_EXTRA_TEXT_LIMIT] + "…"


# --------------------------------------------------------------------------- list entry


_ENTRY_KEYS = frozenset({"title", "provider", "publishedDateTime", "excerpt", "webUrl", "quality", "heat", "topics"})


@_never_raises
def read_entry(path: str, rel: str, max_bytes: int = DEFAULT_MAX_BYTES) -> Entry | Problem | NotAStory:
    """The story list's fields, for a first look at a folder: fast, and exact where it answers.

    The front matter is parsed without its top-level `related` block, and only
    the keys the list shows are built; the block's items are counted from their
    `- key:` lines. Whatever this reading cannot vouch for is left to a full
    parse here. What it does not look at (the related block's own YAML, the
    values of other keys) can still make a full parse fail: `read_story`, run
    over every file after the list is shown, has the last word.
    """
    read = _read_bytes(path, rel, max_bytes)
    if isinstance(read, NotAStory):
        return read
    data, start = read
    # The file is cut as bytes (see _Patterns) and only its head is decoded to be parsed; the
    # whole is still decoded once, for a verdict on its UTF-8 that does not wait for the full parse.
    text = data[start:]
    decoded = None if text.isascii() else _decoded(data, start)
    front, _body = _split(text)
    fields, count = _read_without_related(front)
    if fields is None:
        front, body = _split(_decoded(data, start) if decoded is None else decoded)
        story = build_story(_load_yaml(front), rel, body, len(front))
        return entry_of(story)
    title = require_title(fields)
    coercer = _Coercer(_MIN_VALUE_BUDGET)
    provider = coercer.provider(fields.get("provider"))
    published, _ = coercer.moment(fields.get("publishedDateTime"), "publishedDateTime")
    return Entry(rel, title, provider.name, provider.domain, published, count,
                 coercer.long_text(fields.get("excerpt"), "excerpt"),
                 coercer.line(fields.get("webUrl"), "webUrl"),
                 coercer.integer(fields.get("quality"), "quality"),
                 coercer.integer(fields.get("heat"), "heat"),
                 coercer.topics(fields.get("topics")))


def _read_without_related(front: bytes) -> tuple[dict | None, int]:
    """(the list's keys, parsed from the front matter's bytes without its related block; related items).

    The keys are None whenever only a full parse can say what the file means:
    any doubt about the cut, or any error (whose line numbers must be those of
    the whole file).
    """
    split = _split_related(front)
    if split is None:
        return None, 0
    split = split._replace(before=split.before.decode("utf-8"), after=split.after.decode("utf-8"))
    head = split.before + split.after
    if _maybe_deep(head):  # only the head is composed here; the block is only counted
        return None, 0
    if not split.key_line_is_a_key():
        return None, 0
    return _load_keys(head, _ENTRY_KEYS, refuse="related" if split.block else None), split.items


def _load_keys(text: str, keys: frozenset[str], refuse: str | None) -> dict | None:
    """Only the named top-level keys, built exactly as a full load builds them.

    libyaml composes the whole text at C speed; only the wanted values are
    constructed in Python. None when the text is not a plain mapping, or when
    it holds the key `refuse`, or on any error.
    """
    loader = _StoryLoader(text)
    try:
        node = loader.get_single_node()
        if not isinstance(node, yaml.MappingNode):
            return None
        wanted = {}
        for key_node, value_node in node.value:
            key = key_node.value
            if not isinstance(key_node, yaml.ScalarNode) or key == "<<" or key == refuse:
                return None
            if key in keys:
                wanted[key] = value_node  # the last of duplicate keys wins, as in a full load
        return {key: loader.construct_object(value, deep=True) for key, value in wanted.items()}
    except (yaml.YAMLError, ValueError, TypeError, OverflowError, RecursionError):
        return None
    finally:
        loader.dispose()


def _is_yaml(text: str) -> bool:
    """Whether libyaml parses the text; at C speed, building no objects."""
    try:
        if hasattr(_Loader, "raw_parse"):
            _Loader(text).raw_parse()
        else:  # pragma: no cover - the pure-Python parser
            collections.deque(yaml.parse(text, Loader=_Loader), maxlen=0)
    except yaml.YAMLError:
        return False
    return True


@functools.lru_cache(maxsize=16)
def _block_patterns(indent: str | bytes) -> tuple[re.Pattern, re.Pattern]:
    """For a related block whose items start with `indent` + "- " (spaces; a text's or
    bytes'): (a line that is neither an item, nor inside one, nor blank; an item that does
    not start as a `key:` mapping, as every real one does)."""
    kind = type(indent)
    spaces = indent if kind is str else indent.decode("ascii")
    other_line = _compiled(r"\n(?!" + spaces + r"- |" + spaces + r" |\r?\n)", kind)
    not_a_mapping = _compiled(r"\n" + spaces + r"- (?![A-Za-z_][\w-]*[ \t]*:(?:[ \t]|\r?\n|$))", kind)
    return other_line, not_a_mapping


class _RelatedCut(NamedTuple):
    """Of a front matter's text, or of its bytes."""

    before: AnyStr  # the front matter before the related block
    block: AnyStr  # the `related:` line and its items (empty when there is no related key)
    after: AnyStr  # what follows the block
    items: int
    indent: AnyStr  # what precedes each item's `- `

    def key_line_is_a_key(self) -> bool:
        """Whether the related line is a key of the document, not a line of a quoted text
        running over several lines: the text before it stands on its own."""
        return not self.block or not self.before or _is_yaml(self.before)


def _split_related(front: AnyStr) -> _RelatedCut | None:
    """The front matter cut around its block-style related list.

    None when there is no block-style related list to cut out, or when the
    block has any line this simple reading cannot vouch for. Only C-speed
    string searches here, one pass each: this runs once per file on a cold start.
    """
    patterns = _PATTERNS[type(front)]
    text = patterns.newline + front
    key = patterns.related_key.search(text)
    if key is None:
        if patterns.flow_document.match(front) or patterns.any_related_key.search(text):
            return None  # a related key in a form this reading does not cut out
        return _RelatedCut(front, front[:0], front[:0], 0, front[:0])
    start = key.end()
    first = patterns.first_item.match(text, start)
    if first is None:
        return None
    indent = first.group(1)
    other_line, not_a_mapping = _block_patterns(indent)
    stop = other_line.search(text, start)
    block_end = len(text)
    if stop is not None:
        if not patterns.top_level_start.match(text, stop.start() + 1):
            return None  # a line that is neither an item nor inside one
        block_end = stop.start()
    if not_a_mapping.search(text, start, block_end):
        return None
    items = text.count(patterns.newline + indent + patterns.item_mark, start, block_end)
    return _RelatedCut(text[1 : key.start() + 1], text[key.start() + 1 : block_end], text[block_end + 1 :], items,
                       indent)
