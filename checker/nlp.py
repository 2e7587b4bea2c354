"""The Chinese NLP pipeline: spaCy's blank ``zh`` language with the jieba segmenter.

Built once per process, only when a rule asks for tokens, with the domain user
dictionary ``rules/dictionaries/userdict.txt`` (and any user dictionaries from
the config) loaded into jieba so that 政府信息公开, 依申请公开, 结转 … come out as
single tokens. Nothing is downloaded: jieba's dictionary ships with the package.
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


def get_nlp():
    """The spaCy pipeline (blank zh + jieba), built on first use."""
    global _nlp
    if _nlp is None:
        with _lock:
            if _nlp is None:
                _init_jieba()
                import spacy

                nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})
                load_user_dict(str(rules_path("dictionaries/userdict.txt")))
                _nlp = nlp
    return _nlp


def load_user_dict(path: str) -> None:
    """Add a jieba user dictionary (one word per line: ``词 [词频] [词性]``)."""
    if path in _user_dicts_loaded or not os.path.exists(path):
        return
    jieba = _init_jieba()
    jieba.load_userdict(path)
    _user_dicts_loaded.add(path)


def tokenize(text: str) -> list[Token]:
    """Segment ``text`` into tokens with character offsets."""
    nlp = get_nlp()
    doc = nlp.make_doc(text)
    return [Token(t.text, t.idx, t.idx + len(t.text)) for t in doc if not t.is_space]


_SENT_END = re.compile(r"[^。！？!?；;…]*(?:[。！？!?]+[”’」』）)]*|……[”’]?|$)")


def sentences(text: str) -> list[tuple[int, int]]:
    """Split Chinese text into sentences; returns (start, end) spans within ``text``."""
    out = []
    for m in _SENT_END.finditer(text):
        s, e = m.span()
        if e > s:
            seg = text[s:e]
            lead = len(seg) - len(seg.lstrip())
            trail = len(seg) - len(seg.rstrip())
            if e - trail > s + lead:
                out.append((s + lead, e - trail))
    return out
