"""Fingerprints of a hand-in's code: normalised tokens, k-grams, winnowing (Schleimer, Wilkerson and Aiken,
"Winnowing: local algorithms for document fingerprinting", SIGMOD 2003 — the algorithm behind MOSS).

What copying changes cheaply is normalised away before hashing:

- comments, blank lines, indentation and line breaks (Python's own ``tokenize``, so ``#`` inside a
  string is not a comment);
- names: every identifier becomes ``V``, except keywords, builtins (``len``, ``range``), the usual
  module names (``torch``, ``np``) and attribute names after a dot (``torch.mm``,
  ``ctx.saved_tensors`` stay: an API call is not what a copier renames);
- string literals become ``S``; a string standing alone as a statement (a docstring) is dropped.

Then every run of ``K`` consecutive tokens (a k-gram) is hashed (a rolling polynomial hash of each
token's BLAKE2b, so the hashes are the same in every process: ``grader merge`` compares fingerprints
written by different runs) and, in every window
of ``W`` consecutive k-grams, the smallest hash is kept (the rightmost on ties). Any match of at least
``K + W - 1`` tokens is then guaranteed to share a fingerprint. The handout's k-grams (the code every
student received) are removed from the fingerprints before any comparison.

Code that does not tokenize (a syntax error, a notebook cell with ``%magic``) falls back to a regular
expression tokenizer with the same normalisation, so a broken file is still compared.
"""

from __future__ import annotations

import builtins
import hashlib
import io
import keyword
import re
import tokenize
from dataclasses import dataclass
from typing import Iterable, Sequence

K = 12  # tokens per k-gram (benchmarks/similarity_study.py)
W = 8  # k-grams per winnowing window
SKIP = {tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT, tokenize.ENCODING,
        tokenize.ENDMARKER}
STATEMENT_END = {tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT}
STRING_STARTS = {tokenize.STRING, getattr(tokenize, "FSTRING_START", -1)}  # f-strings are split from 3.12 on
STRING_PARTS = {getattr(tokenize, "FSTRING_MIDDLE", -2), getattr(tokenize, "FSTRING_END", -2)}
# names nobody renames: builtins and the usual module aliases
KEEP = frozenset(n for n in dir(builtins) if not n.startswith("_")) | {
    "torch", "nn", "F", "np", "numpy", "plt", "math", "optim"}
_FALLBACK = re.compile(r"(?P<comment>\#[^\n]*)"
                       r"|(?P<string>'''.*?(?:'''|\Z)|\"\"\".*?(?:\"\"\"|\Z)"  # an unclosed one runs to the end
                       r"|'(?:\\.|[^'\\\n])*'|\"(?:\\.|[^\"\\\n])*\")"
                       r"|(?P<name>[A-Za-z_]\w*)|(?P<number>\d[\w.]*)|(?P<op>\S)", re.S)


@dataclass(frozen=True)
class Token:
    text: str  # normalised
    line: int  # 1-based line in its file


@dataclass(frozen=True)
class Print:
    """One fingerprint: a k-gram's hash and where that k-gram is (file, first and last line)."""

    hash: int
    file: str
    start: int
    end: int


def tokens(text: str) -> list[Token]:
    """The normalised tokens of Python source ``text``."""
    try:
        return list(_python_tokens(text))
    except (tokenize.TokenError, IndentationError, SyntaxError, ValueError):
        return list(_fallback_tokens(text))


def _python_tokens(text: str) -> Iterable[Token]:
    at_statement_start, previous = True, ""
    for tok in tokenize.generate_tokens(io.StringIO(text).readline):
        kind, value = tok.type, tok.string
        if kind in SKIP:
            if kind in STATEMENT_END:
                at_statement_start = True
            continue
        starts = at_statement_start
        at_statement_start = False
        if kind in STRING_STARTS:
            if starts:
                continue  # a docstring
            yield Token("S", tok.start[0])
        elif kind == tokenize.NAME:
            yield Token(_name(value, previous), tok.start[0])
        elif kind in STRING_PARTS:
            continue
        else:
            yield Token(value, tok.start[0])
        previous = value


def _fallback_tokens(text: str) -> Iterable[Token]:
    previous, line, counted = "", 1, 0
    for match in _FALLBACK.finditer(text):
        kind, value = match.lastgroup, match.group()
        line += text.count("\n", counted, match.start())  # each character counted once: linear
        counted = match.start()
        if kind == "comment":
            continue
        if kind == "string":
            yield Token("S", line)
        elif kind == "name":
            yield Token(_name(value, previous), line)
        else:
            yield Token(value, line)
        previous = value


def _name(value: str, previous: str) -> str:
    return value if previous == "." or value in KEEP or keyword.iskeyword(value) else "V"


MOD = (1 << 61) - 1  # a Mersenne prime: k-gram hashes are a polynomial of the tokens' own hashes
BASE = 1_000_003
_TOKEN_HASHES: dict[str, int] = {}


def _token_hash(text: str) -> int:
    value = _TOKEN_HASHES.get(text)
    if value is None:
        value = int.from_bytes(hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest(), "big") % MOD
        if len(_TOKEN_HASHES) < 100_000:
            _TOKEN_HASHES[text] = value
    return value


def kgram_hashes(toks: Sequence[Token], k: int = K) -> list[int]:
    """The hash of every run of ``k`` tokens (a rolling hash: the same in every process, as BLAKE2b of each
    token is)."""
    values = [_token_hash(t.text) for t in toks]
    if len(values) < k:
        return []
    top = pow(BASE, k - 1, MOD)
    h = 0
    for v in values[:k]:
        h = (h * BASE + v) % MOD
    hashes = [h]
    for i in range(k, len(values)):
        h = ((h - values[i - k] * top) * BASE + values[i]) % MOD
        hashes.append(h)
    return hashes


def winnow(hashes: Sequence[int], w: int = W) -> list[int]:
    """Positions of the hashes winnowing keeps: the rightmost minimum of every window of ``w``."""
    if not hashes:
        return []
    w = min(w, len(hashes))
    kept, last = [], -1
    for start in range(len(hashes) - w + 1):
        window = hashes[start:start + w]
        smallest = min(window)
        best = start + w - 1 - window[::-1].index(smallest)
        if best != last:
            kept.append(best)
            last = best
    return kept


def handout_hashes(sources: Iterable[tuple[str, str]], k: int = K) -> set[int]:
    """Every k-gram hash of the handout's code: boilerplate, removed from the students' fingerprints."""
    found: set[int] = set()
    for _, text in sources:
        found.update(kgram_hashes(tokens(text), k))
    return found


def fingerprint(sources: Iterable[tuple[str, str]], boilerplate: set[int] = frozenset(), k: int = K,
                w: int = W) -> list[Print]:
    """The fingerprints of a hand-in given as ``(file name, source text)`` pairs (``.py`` files, notebook
    code cells...), the ``boilerplate`` hashes left out."""
    prints = []
    for name, text in sources:
        toks = tokens(text)
        hashes = kgram_hashes(toks, k)
        for i in winnow(hashes, w):
            if hashes[i] not in boilerplate:
                prints.append(Print(hashes[i], name, toks[i].line, toks[i + k - 1].line))
    return prints
