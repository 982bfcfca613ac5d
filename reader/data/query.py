r"""The search query language: parse what the user typed, compile it to SQL.

A query is terms separated by spaces; a story must match every term.

    word                a whole word in the story's title, excerpt or provider, or in the
                        titles and excerpts of its related coverage (any case, accents ignored)
    "some phrase"       those words, one after the other, in one of those texts
    provider:NAME       the provider's whole name, or its domain; provider:"CBS News"
    domain:DOMAIN       the provider's domain; a leading `www.` does not count on either side
    topic:NAME          one of the story's topics, whole name; topic:"developer tools"
    after:YYYY-MM-DD    published on that day (UTC) or later
    before:YYYY-MM-DD   published before that day (UTC)
    quality>N           also <, >=, <=, = and `:` (which means =); N a whole number, may be negative
    heat>N              the same
    related>N           the number of related articles, the same
    is:read  is:unread  is:starred
    event:ID            the story files of one event (its id, as the event list and the export give it)
    -TERM               any term above, left out: -word, -"a phrase", -provider:cnbc, -is:read

Field names and values are case-insensitive. Text with spaces is quoted; inside
double quotes `\"` stands for a quote and `\\` for a backslash (any other
backslash is itself), so `provider:"The \"Register\""` names The "Register" and
`topic:"AI\\ML"` the topic AI\ML; `quoted(text)` writes any text that way. A word
that holds a colon or a comparison after letters (`foo:bar`, `a=b`) is read as a
field, so an unknown name is an error: quote such text to search for it.
A word or phrase with no letter or digit in it (`&`, `--`) searches for nothing
and is ignored; only the first `-` of a term negates (`--x` leaves out the word x). A quote ends a bare word: `foo"bar"` is the word foo and the phrase bar.

Unknown values never match a positive term: a story with no date is neither
after: nor before: anything, one with no quality is not quality>N nor quality<N.
A negated term is exactly the stories its term does not match, so
`-quality>50` includes the stories with no quality and `-after:2020-01-01` the
undated ones. A story nobody has marked is unread and unstarred.

`parse_query(text)` gives a Query, or raises QueryError with a message and the
position (0-based index into the text) where the query went wrong. The empty or
blank query is valid and matches everything. `compile_query(query)` gives an SQL
condition over `s` (stories) and `m` (state.marks) and its parameters, for
`Corpus.story_ids(sort, where, params)`; the empty query compiles to "".

User text only ever reaches SQLite as parameters, and reaches FTS5 as
double-quoted strings (inner quotes doubled), so it can never be SQL or FTS
syntax. All the positive words and phrases go into one FTS MATCH, and the
negated ones with them (`(a AND b) NOT (c OR d)`), so a query costs one
full-text lookup whatever its length. Fields become `s.id IN (subquery)`
tests that use the index's own indexes (see _field_condition); dates are
tested in place. The compiled SQL reads the index's `stories.outlet`
(coverage.outlet_key of the provider) and `provider_sort` columns.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from typing import NamedTuple

from reader.data.coverage import without_www
from reader.data.index import SEARCH_ID_MASK

__all__ = ["FIELDS", "Query", "QueryError", "Term", "compile_query", "parse_query", "quoted"]


class QueryError(ValueError):
    """A query that does not parse: what is wrong, and where (0-based index into the text)."""

    def __init__(self, message: str, position: int) -> None:
        super().__init__(message)
        self.message = message
        self.position = position

    def __str__(self) -> str:
        return self.message

    def pointer(self, text: str) -> str:
        """The query and a caret under the place it went wrong, for a terminal."""
        return f"{text}\n{' ' * self.position}^"


TEXT_FIELDS = ("provider", "domain", "topic")
DATE_FIELDS = ("after", "before")
NUMBER_FIELDS = ("quality", "heat", "related")
FIELDS = (*TEXT_FIELDS, *DATE_FIELDS, *NUMBER_FIELDS, "is", "event")
IS_VALUES = ("read", "unread", "starred")
_MAX_DIGITS = 15  # far beyond any quality or count, well inside SQLite's integers

_FIELD_PREFIX = re.compile(r"([^\W\d_]+)(>=|<=|[:<>=])")
_NUMBER = re.compile(r"[+-]?[0-9]+")
_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_WHITESPACE = re.compile(r"\s+")


class Term(NamedTuple):
    """One term of a query.

    field: "" for a word or phrase, else one of FIELDS.
    op: ":" or, for the number fields, one of > >= < <= = (`quality:5` is read as `=`).
    value: the text (words, phrase, casefolded name or domain, is: value), the number,
    or the date.
    """

    field: str
    value: str | int | date
    op: str = ":"
    negated: bool = False
    phrase: bool = False
    position: int = 0  # where the term starts in the query text (its `-`, if any)

    def __str__(self) -> str:
        sign = "-" if self.negated else ""
        if not self.field:
            return f"{sign}{quoted(self.value)}" if self.phrase else f"{sign}{self.value}"
        value = self.value.isoformat() if isinstance(self.value, date) else str(self.value)
        if isinstance(self.value, str) and (not value or any(_is_space(c) or c in '"\\' for c in value)):
            value = quoted(value)
        return f"{sign}{self.field}{self.op}{value}"


class Query(NamedTuple):
    terms: tuple[Term, ...] = ()

    @property
    def is_empty(self) -> bool:
        return not self.terms

    def __str__(self) -> str:
        """The query in a plain form that parses back to the same Query."""
        return " ".join(str(term) for term in self.terms)


# --------------------------------------------------------------------------- parsing


def parse_query(text: str) -> Query:
    """Parse a query; raises QueryError. See the module docstring for the language."""
    return Query(tuple(_Parser(text).terms()))


def quoted(text: str) -> str:
    """`text` as a quoted value that the parser reads back as `text`: for a query term such
    as provider:"The \\"Register\\"" built from a provider's name."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _is_space(char: str) -> bool:
    return char.isspace() or ord(char) < 32 or ord(char) == 127


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.at = 0

    def terms(self):
        text = self.text
        while True:
            while self.at < len(text) and _is_space(text[self.at]):
                self.at += 1
            if self.at >= len(text):
                return
            term = self.term()
            if term is not None:
                yield term

    def term(self) -> Term | None:
        text, start = self.text, self.at
        negated = text[start] == "-"
        if negated:
            self.at += 1
            if self.at >= len(text) or _is_space(text[self.at]):
                raise QueryError("a minus sign must come right before what to leave out, like -word", start)
        if text[self.at] == '"':
            quote = self.at
            phrase = self.quoted()
            if not phrase:
                raise QueryError("empty quotes: put the words to search for between them", quote)
            return self.text_term(phrase, negated, True, start)
        prefix = _FIELD_PREFIX.match(text, self.at)
        if prefix:
            return self.field(prefix, negated, start)
        return self.text_term(self.bare(), negated, False, start)

    def text_term(self, words: str, negated: bool, phrase: bool, start: int) -> Term | None:
        words = _WHITESPACE.sub(" ", words).strip()
        if not _has_token(words):
            return None  # punctuation only: FTS would search for nothing
        return Term("", words, ":", negated, phrase, start)

    def bare(self) -> str:
        """A run of characters up to a space or a quote."""
        text, start = self.text, self.at
        while self.at < len(text) and not _is_space(text[self.at]) and text[self.at] != '"':
            self.at += 1
        return text[start : self.at]

    def quoted(self) -> str:
        """The text between the quote at self.at and the next one that is not escaped."""
        text, opening = self.text, self.at
        parts: list[str] = []
        at = opening + 1
        while at < len(text):
            char = text[at]
            if char == '"':
                self.at = at + 1
                return "".join(parts)
            if char == "\\" and at + 1 < len(text) and text[at + 1] in '"\\':
                at += 1
                char = text[at]
            parts.append(char)
            at += 1
        raise QueryError('unclosed quote: add a " at the end', opening)

    def field(self, prefix: re.Match, negated: bool, start: int) -> Term:
        name, op = prefix.group(1).casefold(), prefix.group(2)
        name_at = prefix.start()
        if name not in FIELDS:
            raise QueryError(
                f'unknown field "{prefix.group(1)}" (fields: {", ".join(FIELDS)});'
                f' to search for text with "{op}" in it, put it in quotes', name_at)
        if op != ":" and name not in NUMBER_FIELDS:
            raise QueryError(f"{name} takes a colon, like {_EXAMPLES[name]}", prefix.start(2))
        self.at = value_at = prefix.end()
        if self.at < len(self.text) and self.text[self.at] == '"':
            value = self.quoted()
        else:
            value = self.bare()
        shown = f"{name}{op}"
        if not value.strip():
            raise QueryError(f"{shown} needs a value right after it, like {_EXAMPLES[name]}", value_at)
        if name in NUMBER_FIELDS:
            return Term(name, _number(value.strip(), shown, value_at), "=" if op == ":" else op, negated, False, start)
        if name == "event":
            return Term(name, _number(value.strip(), shown, value_at), op, negated, False, start)
        if name in DATE_FIELDS:
            return Term(name, _date(value.strip(), shown, value_at), op, negated, False, start)
        folded = _WHITESPACE.sub(" ", value).strip().casefold()
        if name == "is":
            if folded not in IS_VALUES:
                raise QueryError(f'is: can be read, unread or starred, not "{value}"', value_at)
            return Term(name, folded, op, negated, False, start)
        if name == "domain":
            folded = _domain(folded)
            if not folded:
                raise QueryError(f"{shown} needs a domain, like {_EXAMPLES[name]}", value_at)
        return Term(name, folded, op, negated, False, start)


_EXAMPLES = {
    "provider": 'provider:"CBS News"', "domain": "domain:cbsnews.com", "topic": "topic:AI",
    "after": "after:2020-06-01", "before": "before:2020-07-01", "quality": "quality>50",
    "heat": "heat>=10", "related": "related>5", "is": "is:read", "event": "event:12",
}


def _number(value: str, shown: str, at: int) -> int:
    if not _NUMBER.fullmatch(value):
        raise QueryError(f'{shown} needs a whole number, like {shown}50, not "{value}"', at)
    if len(value.lstrip("+-")) > _MAX_DIGITS:
        raise QueryError(f"{shown}: that number is too large", at)
    return int(value)


def _date(value: str, shown: str, at: int) -> date:
    match = _DATE.fullmatch(value)
    if not match:
        raise QueryError(f'{shown} needs a date as YYYY-MM-DD, like {shown}2020-06-01, not "{value}"', at)
    try:
        return date(*(int(part) for part in match.groups()))
    except ValueError as error:  # "month must be in 1..12", "day is out of range for month"
        raise QueryError(f"{shown}{value} is no date: {error}", at) from None


def _domain(value: str) -> str:
    """cbsnews.com from `www.CBSNews.com`, `https://www.cbsnews.com/news/`."""
    if "://" in value:
        value = value.split("://", 1)[1]
    value = value.split("/", 1)[0].rstrip(".")
    return without_www(value)


def _has_token(text: str) -> bool:
    """Whether FTS5's unicode61 tokenizer finds a word in the text (letters, digits)."""
    return any(unicodedata.category(char)[0] in "LN" or unicodedata.category(char) == "Co" for char in text)


# --------------------------------------------------------------------------- compiling

_NUMBER_COLUMNS = {"quality": "quality", "heat": "heat", "related": "related_count"}
_MARKED = "s.id IN (SELECT x.id FROM state.marks k CROSS JOIN stories x ON x.key = k.key WHERE k.{} != 0)"
_IS = {
    "read": _MARKED.format("read"),
    "unread": f"NOT {_MARKED.format('read')}",
    "starred": _MARKED.format("starred"),
}
# The full-text table numbers its rows in newest-first order (index.search_rowid); the story id is in the low bits.
_FTS = f"s.id IN (SELECT rowid & {SEARCH_ID_MASK} FROM search WHERE search MATCH ?)"


def compile_query(query: Query, first_rows: bool = False) -> tuple[str, list]:
    """An SQL condition over `s` and `m` with its parameters ("" and [] for the empty query).

    `first_rows`: for a query that stops at a screenful in the list's order (LIMIT):
    numbers are then tested in place, which finds the first rows at once, where a set
    of every match would cost more to build than those rows."""
    parts = compile_parts(query, first_rows)
    conditions, params = [], []
    if parts.match is not None:
        conditions.append(_FTS)
        params.append(parts.match)
    if parts.exclude is not None:
        conditions.append(f"NOT {_FTS}")
        params.append(parts.exclude)
    if parts.where:
        conditions.append(parts.where)
        params.extend(parts.params)
    return " AND ".join(conditions), params


class CompiledQuery(NamedTuple):
    """A query in parts, so that a search can read the full-text matches in the list's
    order (index.first_ids_by_text and first_ids_without_text) instead of testing each
    story against every match."""

    match: str | None  # the FTS5 query that a story's text must match (excluded words folded in)
    exclude: str | None  # with no words to match, the FTS5 query that a story's text must not match
    where: str  # the SQL condition for the fields
    params: list


def compile_parts(query: Query, first_rows: bool = False) -> CompiledQuery:
    match = exclude = None
    wanted = [_fts_string(t.value) for t in query.terms if not t.field and not t.negated]
    unwanted = [_fts_string(t.value) for t in query.terms if not t.field and t.negated]
    if wanted:
        match = " AND ".join(wanted)
        if unwanted:
            match = f"({match}) NOT ({' OR '.join(unwanted)})"
    elif unwanted:
        exclude = " OR ".join(unwanted)
    conditions: list[str] = []
    params: list = []
    for term in query.terms:
        if term.field:
            sql, values = _field_condition(term, first_rows)
            conditions.append(f"NOT ({sql})" if term.negated else f"({sql})")
            params.extend(values)
    return CompiledQuery(match, exclude, " AND ".join(conditions), params)


def _fts_string(text: str) -> str:
    """Text as one FTS5 string: a phrase of its words, never an operator."""
    return '"' + text.replace('"', '""') + '"'


def _field_condition(term: Term, first_rows: bool = False) -> tuple[str, list]:
    """A condition that is true or false, never NULL, so NOT gives exactly the rest.

    Most are `s.id IN (subquery)`: the story list is read in the order of an
    index that holds only the date and path, and a per-row test of any other
    column would read every story's row (and its excerpt) from the table;
    the subquery reads only what its own index (or one pass over the table)
    finds, and the list then just looks each id up in that set.
    """
    name, value = term.field, term.value
    if name == "provider":
        # provider_sort: the casefolded name, else the domain as written;
        # outlet (coverage.outlet_key): the casefolded domain without www., else the name.
        return ("s.id IN (SELECT id FROM stories WHERE provider_sort = ? OR outlet = ?)",
                [value, without_www(value)])
    if name == "domain":
        return "s.id IN (SELECT id FROM stories WHERE outlet = ? AND provider_domain != '')", [value]
    if name == "topic":
        return "s.id IN (SELECT story FROM topics WHERE topic = ?)", [value]
    if name == "event":
        return "s.id IN (SELECT id FROM stories WHERE event = ?)", [value]
    if name == "is":
        # The marks table first (CROSS JOIN keeps that order): it holds only what was marked.
        return _IS[value], []
    if name in DATE_FIELDS:
        # The date is in the list's own index: test it in place. No date: no match.
        op = ">=" if name == "after" else "<"
        return f"ifnull(s.published {op} ?, 0)", [_epoch(value)]
    column = _NUMBER_COLUMNS[name]
    if first_rows:
        return f"ifnull(s.{column} {term.op} ?, 0)", [value]
    return f"s.id IN (SELECT id FROM stories WHERE {column} {term.op} ?)", [value]


def _epoch(day: date) -> int:
    """Unix seconds at the start of a UTC day."""
    return (day.toordinal() - date(1970, 1, 1).toordinal()) * 86_400
