"""clean_text / clean_line: what a terminal must never see from a story file."""

from __future__ import annotations

import os

import pytest

from reader.data.sanitize import clean_line, clean_text


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("plain text", "plain text"),
        ("red \x1b[31mALERT\x1b[0m", "red ALERT"),
        ("\x1b]8;;https://evil.example\x07click\x1b]8;;\x07", "click"),  # OSC-8 hyperlink, BEL
        ("\x1b]8;;https://evil.example\x1b\\click\x1b]8;;\x1b\\", "click"),  # OSC-8, ST
        ("\x1b]0;new window title\x07rest", "rest"),
        ("8-bit \x9b31mCSI", "8-bit CSI"),
        ("a\x00b\x07c\x08d\x7fe\x85f", "abcde\nf"),  # C0, DEL, C1 gone; NEL is a line break
    ],
)
def test_escape_sequences_removed(raw, expected):
    assert clean_text(raw) == expected


@pytest.mark.parametrize("mark", ["\u202e", "\u202d", "\u2066", "\u2067", "\u2068", "\u2069", "\u200e", "\u200f", "\u061c"])
def test_bidi_controls_removed(mark):
    assert clean_line(f"abc{mark}def") == "abcdef"
    assert clean_text(f"abc{mark}def") == "abcdef"


def test_long_text_keeps_newlines_and_tabs_and_normalises_breaks():
    assert clean_text("a\tb\nc") == "a\tb\nc"
    assert clean_text("a\r\nb\rc\u2028d\u2029e\x0bf\x0cg") == "a\nb\nc\nd\ne\nf\ng"


def test_line_folds_whitespace_to_one_line():
    assert clean_line("  one\n two\t\tthree \r\n four  ") == "one two three four"
    assert clean_line("a\u00a0\u00a0b") == "a b"
    assert clean_line("") == ""
    assert clean_line("\x1b[31m") == ""


def test_markup_is_kept_literally():
    # Rich/Textual markup is data: sanitising must neither strip nor interpret it.
    for text in ("[@click=app.quit]x[/]", "[bold red]x[/bold red]", ":warning: [link=http://x]y[/link]"):
        assert clean_line(text) == text
        assert clean_text(text) == text


def test_printable_unicode_untouched():
    text = "Café – 東京 — emoji 🎉 ‘quotes’"
    assert clean_line(text) is text or clean_line(text) == text
    assert clean_text(text) == text


def test_idempotent():
    raw = " \x1b[1mA\u202eB\x00\n\nC\x9d]x\x07 "
    once = clean_text(raw)
    assert clean_text(once) == once
    line = clean_line(raw)
    assert clean_line(line) == line
    assert "\n" not in line


def test_shown_path_writes_out_what_a_terminal_must_not_see():
    from reader.data.sanitize import shown_path

    assert shown_path("plain/é story.md") == "plain/é story.md"
    assert shown_path("\x1b]0;T\x07\x1b[31mx.md") == "\\x1b]0;T\\x07\\x1b[31mx.md"
    assert shown_path("a\nb\tc.md") == "a\\x0ab\\x09c.md"
    assert shown_path(os.fsdecode(b"bad\xff.md")) == "bad\\xff.md"
    assert shown_path("\u202egnp.md") == "\\u202egnp.md"


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("Cloud \u2601\ufe0f outage", "Cloud \u2601 outage"),  # emoji presentation: one cell or two?
        ("Text \u2764\ufe0e style", "Text \u2764 style"),
        ("Keycap 1\ufe0f\u20e3 first", "Keycap 1\u20e3 first"),
        ("Thumbs \U0001f44d\U0001f3fd up", "Thumbs \U0001f44d up"),  # a skin tone: two cells or four?
        ("Family \U0001f468\u200d\U0001f469\u200d\U0001f467 plan", "Family \U0001f468\U0001f469\U0001f467 plan"),
        ("Fire \u2764\ufe0f\u200d\U0001f525 heart", "Fire \u2764\U0001f525 heart"),
        ("Flag \U0001f1eb\U0001f1f7 wins", "Flag \U0001f1eb\U0001f1f7 wins"),  # two cells everywhere: kept
        ("\u0915\u094d\u200d\u0937 conjunct", "\u0915\u094d\u200d\u0937 conjunct"),  # a joiner in a script: kept
    ],
)
def test_emoji_sequences_terminals_draw_at_different_widths_are_reduced_to_their_characters(raw, expected):
    # rich counts each character's cells; a terminal may draw such a sequence as one glyph of
    # another width, and the row's right border then moves. Their characters alone agree.
    assert clean_line(raw) == expected
    assert clean_text(raw + "\n" + raw) == expected + "\n" + expected
