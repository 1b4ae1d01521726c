"""A small lexer and token cursor for Athena's Hive-style DDL and utility statements.

sqlglot's Athena dialect turns ``SHOW ...``, ``MSCK REPAIR``, ``UNLOAD`` and much of
the Hive DDL (``ROW FORMAT DELIMITED ... ESCAPED BY``, ``CREATE DATABASE ...
WITH DBPROPERTIES``) into unparsed commands, so :mod:`lakestack.sql.ddl` reads
those with this lexer. It keeps each token's 1-based line and column so syntax
errors point where Athena points (``line 1:8: mismatched input 'TABLEE'``).

Strings follow Hive: single or double quotes, ``''`` doubling, and backslash
escapes (``'\\t'``, ``'\\001'``). Identifiers may be backquoted.

Must not know: what the statements mean, the catalog, DuckDB.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lakestack.sql.errors import SqlSyntaxError

WORD, STRING, NUMBER, QUOTED, PUNCT, EOF = "word", "string", "number", "quoted", "punct", "eof"

_TOKEN = re.compile(
    r"""
    (?P<ws>\s+|--[^\n]*|/\*.*?\*/)
  | (?P<string>'(?:[^'\\]|\\.|'')*'|"(?:[^"\\]|\\.|"")*")
  | (?P<quoted>`(?:[^`]|``)*`)
  | (?P<number>\d+(?:\.\d+)?)
  | (?P<word>[A-Za-z_$][A-Za-z0-9_$]*)
  | (?P<punct>[(),.=<>:\[\];*+\-/%|!?{}^&@~])
    """,
    re.VERBOSE | re.DOTALL,
)

_ESCAPES = {
    "n": "\n",
    "t": "\t",
    "r": "\r",
    "b": "\b",
    "0": "\0",
    "Z": "\x1a",
    "\\": "\\",
    "'": "'",
    '"': '"',
    "%": "\\%",
    "_": "\\_",
}


@dataclass(frozen=True)
class Token:
    """One lexical token: its kind, its value (unescaped for strings), position."""

    kind: str
    value: str
    text: str
    line: int
    column: int
    start: int

    def is_word(self, *words: str) -> bool:
        """True for a bare word equal (case-insensitively) to one of ``words``."""
        return self.kind == WORD and self.value.upper() in words


def unescape_hive(body: str) -> str:
    r"""Resolve Hive's backslash escapes in a string literal body.

    >>> unescape_hive(r"\t") == "\t", unescape_hive(r"\001") == "\x01", unescape_hive(r"a\\b")
    (True, True, 'a\\b')
    """
    out: list[str] = []
    i = 0
    while i < len(body):
        ch = body[i]
        if ch != "\\" or i + 1 == len(body):
            out.append(ch)
            i += 1
            continue
        octal = re.match(r"[0-7]{3}", body[i + 1 : i + 4])
        if octal:
            out.append(chr(int(octal.group(0), 8)))
            i += 4
        elif body[i + 1] == "u" and re.fullmatch(r"[0-9a-fA-F]{4}", body[i + 2 : i + 6]):
            out.append(chr(int(body[i + 2 : i + 6], 16)))
            i += 6
        else:
            out.append(_ESCAPES.get(body[i + 1], body[i + 1]))
            i += 2
    return "".join(out)


def tokenize(sql: str) -> list[Token]:
    """Split ``sql`` into tokens, ending with one ``eof`` token.

    >>> [(t.kind, t.value, t.column) for t in tokenize("SHOW  `My Db`.t 'a''b'")][:4]
    [('word', 'SHOW', 1), ('quoted', 'My Db', 7), ('punct', '.', 14), ('word', 't', 15)]
    """
    tokens: list[Token] = []
    pos, line, line_start = 0, 1, 0
    while pos < len(sql):
        m = _TOKEN.match(sql, pos)
        if m is None:
            raise SqlSyntaxError(
                f"token recognition error at: '{sql[pos]}'", line=line, column=pos - line_start + 1
            )
        kind = m.lastgroup or ""
        text = m.group(0)
        if kind != "ws":
            tokens.append(Token(kind, _value(kind, text), text, line, pos - line_start + 1, pos))
        newlines = text.count("\n")
        if newlines:
            line += newlines
            line_start = pos + text.rindex("\n") + 1
        pos = m.end()
    tokens.append(Token(EOF, "", "<EOF>", line, pos - line_start + 1, pos))
    return tokens


def _value(kind: str, text: str) -> str:
    if kind == STRING:
        quote = text[0]
        return unescape_hive(text[1:-1].replace(quote * 2, "\\" + quote))
    if kind == QUOTED:
        return text[1:-1].replace("``", "`")
    return text


class Cursor:
    """Walks a token list; every ``expect`` failure is an Athena-style syntax error."""

    def __init__(self, sql: str) -> None:
        self.sql = sql
        self.tokens = tokenize(sql)
        self.pos = 0

    @property
    def peek(self) -> Token:
        return self.tokens[self.pos]

    def peek_at(self, offset: int) -> Token:
        return self.tokens[min(self.pos + offset, len(self.tokens) - 1)]

    def advance(self) -> Token:
        token = self.tokens[self.pos]
        if token.kind != EOF:
            self.pos += 1
        return token

    def accept(self, *words: str) -> Token | None:
        """Consume the next token if it is one of ``words`` (keywords or punctuation)."""
        token = self.peek
        if token.is_word(*words) or (token.kind == PUNCT and token.value in words):
            return self.advance()
        return None

    def accept_all(self, *words: str) -> bool:
        """Consume a keyword sequence (``IF NOT EXISTS``) only when all of it is there."""
        for i, word in enumerate(words):
            if not self.peek_at(i).is_word(word):
                return False
        for _ in words:
            self.advance()
        return True

    def expect(self, *words: str) -> Token:
        token = self.accept(*words)
        if token is None:
            raise self.error(words)
        return token

    def expect_kind(self, kind: str, what: str) -> Token:
        if self.peek.kind != kind:
            raise self.error((what,))
        return self.advance()

    def rest(self) -> str:
        """Consume and return the source text from the current token on (a query body)."""
        text = self.sql[self.peek.start :].strip()
        self.pos = len(self.tokens) - 1
        return text

    def error(self, expected: tuple[str, ...] | list[str]) -> SqlSyntaxError:
        token = self.peek
        names = ", ".join(e if e.startswith("<") else f"'{e}'" for e in expected)
        return SqlSyntaxError(
            f"mismatched input '{token.text}'. Expecting: {names}",
            line=token.line,
            column=token.column,
        )
