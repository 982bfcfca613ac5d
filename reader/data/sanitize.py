"""Make text from story files safe to show in a terminal.

Every string that comes out of a story file passes through here once, in the
data layer, so widgets can render it as plain text without further checks.
"""

from __future__ import annotations

import re

# Escape sequences as whole units, so their parameters do not survive as
# visible junk once the ESC byte itself is removed: CSI (7-bit and 8-bit),
# OSC/DCS/APC/PM/SOS strings up to their terminator, and two-byte escapes.
_ESCAPE_SEQUENCE = re.compile(
    r"""
    (?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]?               # CSI ... final byte
    | (?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])        # OSC, DCS, SOS, PM, APC
      [^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?           # ... up to BEL or ST
    | \x1b[ -/]*[0-~]?                               # other ESC sequences
    """,
    re.VERBOSE,
)

# C0 controls but tab and newline, DEL, C1 controls, and the Unicode
# bidirectional embeddings, overrides, isolates and marks (they reorder what
# the terminal shows, which can disguise a title or a URL).
_UNSAFE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]"
)
_LINE_BREAKS = re.compile(r"\r\n|[\r\u2028\u2029\x85\x0b\x0c]")
_WHITESPACE = re.compile(r"\s+")
# Emoji sequences that terminals draw at different widths: a presentation selector
# (U+FE0E, U+FE0F), a skin tone, a joiner between emoji. One terminal draws `☁️` in two
# cells where rich counts one, another joins a family into one glyph of two cells where
# rich counts six; the row's border then moves. Their characters alone are drawn as
# rich counts them everywhere. (A joiner inside a script's letters stays: it is not an emoji's.)
_UNSTEADY_WIDTH = re.compile(
    "[\ufe0e\ufe0f\U0001f3fb-\U0001f3ff]|(?<=[\u2600-\u27bf\ufe0f\U0001f000-\U0001faff])\u200d"
)
_MAYBE_UNSTEADY = re.compile("[\ufe0e\ufe0f\u200d\U0001f3fb-\U0001f3ff]")  # one set: found at C speed


def _steady_width(value: str) -> str:
    if value.isascii() or not _MAYBE_UNSTEADY.search(value):
        return value
    return _UNSTEADY_WIDTH.sub("", value)


def clean_text(value: str) -> str:
    """Long text: keeps newlines and tabs, drops every other control."""
    if value.isprintable():  # fast path: most strings need nothing
        return _steady_width(value)
    value = _LINE_BREAKS.sub("\n", value)
    value = _ESCAPE_SEQUENCE.sub("", value)
    return _steady_width(_UNSAFE.sub("", value))


def clean_line(value: str) -> str:
    """One-line text (titles, names, URLs): controls dropped, whitespace folded."""
    if not value.isprintable() or "  " in value or value[:1].isspace() or value[-1:].isspace():
        return _WHITESPACE.sub(" ", clean_text(value)).strip()
    return _steady_width(value)


# What a file name may hold that a terminal must not see: controls (newline and
# tab too), bidirectional controls, and the lone surrogates that stand for the
# bytes of a name that is not UTF-8.
_PATH_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def _escaped(match: re.Match) -> str:
    code = ord(match.group())
    if 0xDC80 <= code <= 0xDCFF:  # os.fsdecode's stand-in for the byte code - 0xDC00
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def shown_path(path: str) -> str:
    """A file's path as text safe to show: every control and undecodable byte
    written out (`\\x1b`, `\\xff`), so two names never look the same."""
    if path.isprintable():
        return path
    return _PATH_UNSAFE.sub(_escaped, path)
