"""Plain text and Markdown: decode (UTF-8/UTF-16/GB18030), keep positions."""
from __future__ import annotations

import os

from ..decoding import DecodeError, decode
from ..document import Document
from . import ReaderError, reader


@reader(".txt", ".md", ".markdown", ".text")
def read_text(path: str, data: bytes) -> Document:
    if not data.strip():
        raise ReaderError("文件为空")
    try:
        d = decode(data)
    except DecodeError as e:
        raise ReaderError(str(e)) from None
    if not d.text.strip():
        raise ReaderError("文件为空")
    fmt = "md" if os.path.splitext(path)[1].lower() in (".md", ".markdown") else "txt"
    return Document(path=path, format=fmt, text=d.text, encoding=d.encoding, bom=d.bom, line_ends=d.line_ends)
