"""The Chinese NLP pipeline: spaCy's blank ``zh`` language with the jieba segmenter.

Built once per process, only when a rule asks for tokens, with the domain user
dictionary ``rules/dictionaries/userdict.txt`` (and any user dictionaries from
the config) loaded into jieba so that 政府信息公开, 依申请公开, 结转 … come out as
single tokens. Nothing is downloaded: jieba's dictionary ships with the package.

Two entry points share the same segmenter and dictionary:
- ``get_nlp()`` builds the spaCy pipeline (``spacy.blank("zh")`` with
  ``segmenter: jieba``) for code that wants spaCy ``Doc`` objects;
- ``tokenize()`` is the fast path the rules use: it calls jieba's default
  tokenizer exactly as spaCy's ``ChineseTokenizer`` does in jieba mode (precise
  mode, HMM on), so the tokens are the same (tests/test_nlp.py checks this on
  the corpus), but it does not pay spaCy's ~1.5–3 s import and registry start-up
  on every cold ``checker lint`` (docs/benchmarks.md).
"""
from __future__ import annotations

import logging
import os
import re
import tempfile
import threading
from dataclasses import dataclass

from .resources import rules_path

_lock = threading.Lock()
_nlp = None
_user_dicts_loaded: set[str] = set()


@dataclass(frozen=True)
class Token:
    text: str
    start: int  # offset within the analysed string
    end: int


def _init_jieba():
    import jieba

    jieba.setLogLevel(logging.WARNING)
    # jieba caches its prefix dictionary in the temp dir; make sure it is writable.
    cache = os.environ.get("CHECKER_JIEBA_CACHE") or os.path.join(tempfile.gettempdir(), "checker-jieba.cache")
    jieba.dt.cache_file = cache
    return jieba


_segmenter = None


def get_segmenter():
    """jieba's default tokenizer with the domain user dictionary loaded (built once)."""
    global _segmenter
    if _segmenter is None:
        with _lock:
            if _segmenter is None:
                jieba = _init_jieba()
                jieba.initialize()
                load_user_dict(str(rules_path("dictionaries/userdict.txt")))
                _segmenter = jieba.dt
    return _segmenter


def is_word(w: str) -> bool:
    """Whether ``w`` is an entry of the segmenter's dictionary (jieba's + ours)."""
    return get_segmenter().FREQ.get(w, 0) > 0


def get_nlp():
    """The spaCy pipeline (blank zh + jieba, same dictionary), built on first use."""
    global _nlp
    if _nlp is None:
        get_segmenter()
        with _lock:
            if _nlp is None:
                import spacy

                _nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})
    return _nlp


def load_user_dict(path: str) -> None:
    """Add a jieba user dictionary (one word per line: ``词 [词频] [词性]``)."""
    if path in _user_dicts_loaded or not os.path.exists(path):
        return
    jieba = _init_jieba()
    jieba.load_userdict(path)
    _user_dicts_loaded.add(path)


# spaCy refuses texts longer than nlp.max_length (1,000,000); segment long
# paragraphs (a whole report on one line) in chunks cut after a sentence end.
CHUNK = 100_000
_CUT = re.compile(r"[。！？!?；;\n]")


def _chunks(text: str, size: int = CHUNK):
    start, n = 0, len(text)
    while start < n:
        end = min(start + size, n)
        if end < n:
            # cut after the last sentence end in the second half of the window, else at the window end
            m = None
            for m in _CUT.finditer(text, start + size // 2, end):
                pass
            if m is not None:
                end = m.end()
        yield start, text[start:end]
        start = end


def tokenize(text: str) -> list[Token]:
    """Segment ``text`` into tokens with character offsets (whitespace dropped)."""
    seg = get_segmenter()
    out: list[Token] = []
    for base, chunk in ((0, text),) if len(text) <= CHUNK else _chunks(text):
        for word, s, e in seg.tokenize(chunk):
            if word and not word.isspace():
                out.append(Token(word, base + s, base + e))
    return out


def tokenize_spacy(text: str) -> list[Token]:
    """The same segmentation through the spaCy pipeline (reference for tests)."""
    nlp = get_nlp()
    out: list[Token] = []
    for base, chunk in ((0, text),) if len(text) <= CHUNK else _chunks(text):
        out += [Token(t.text, base + t.idx, base + t.idx + len(t.text)) for t in nlp.make_doc(chunk)
                if not t.is_space]
    return out


# A sentence ends at 。！？ (or ASCII ! ? not inside an ASCII run such as a URL query),
# optionally followed by closing quotes/brackets; ``semicolons=True`` also cuts at ；.
_CLOSERS = "”’」』）)》"
_END_FULL = re.compile(r"(?:[。！？]+|……|(?<![A-Za-z0-9/=&%_.-])[!?]+(?![A-Za-z0-9/=&%_.-]))[" + _CLOSERS + r"]*")
_END_SEMI = re.compile(r"(?:[。！？；]+|……|(?<![A-Za-z0-9/=&%_.-])[!?;]+(?![A-Za-z0-9/=&%_.-]))[" + _CLOSERS + r"]*")
_WS_CHARS = " \t\n\r\u3000\u00a0"


def sentences(text: str, semicolons: bool = False) -> list[tuple[int, int]]:
    """Split Chinese text into sentences; returns (start, end) spans within ``text``
    (surrounding whitespace excluded, the final punctuation included). ASCII ``?``/``!``
    inside URLs and English runs do not end a sentence."""
    rx = _END_SEMI if semicolons else _END_FULL
    out: list[tuple[int, int]] = []
    pos = 0
    for m in rx.finditer(text):
        _add_span(text, pos, m.end(), out)
        pos = m.end()
    _add_span(text, pos, len(text), out)
    return out


def _add_span(text: str, s: int, e: int, out: list) -> None:
    while s < e and text[s] in _WS_CHARS:
        s += 1
    while e > s and text[e - 1] in _WS_CHARS:
        e -= 1
    if e > s:
        out.append((s, e))
