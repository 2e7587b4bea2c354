"""Readers turn a file into a ``Document`` (plain text + positions).

Each reader module registers itself for file suffixes with ``@reader``. A reader
knows nothing of rules; it raises ``ReaderError`` with a Chinese reason when the
file cannot be read, and the CLI reports it (exit 2) and goes on.
"""
from __future__ import annotations

import errno
import hashlib
import importlib
import os
import stat
from typing import Callable

from ..document import Document

# 50 MB by default; `max-file-size` in the config (bytes) raises it.
DEFAULT_MAX_BYTES = 50 * 1024 * 1024


class ReaderError(Exception):
    """A file that cannot be read; the message says why (in Chinese)."""


_READERS: dict[str, Callable[[str, bytes], Document]] = {}
_MODULES = ("text", "docx", "html", "pdf")
_loaded = False


def reader(*suffixes: str):
    def deco(fn):
        for s in suffixes:
            _READERS[s.lower()] = fn
        return fn

    return deco


def _load():
    global _loaded
    if _loaded:
        return
    for m in _MODULES:
        try:
            importlib.import_module(f"{__name__}.{m}")
        except ModuleNotFoundError as e:  # a reader module not written yet
            if e.name != f"{__name__}.{m}":
                raise
    _loaded = True


def supported_suffixes() -> list[str]:
    _load()
    return sorted(_READERS)


def read_document(path: str, max_bytes: int = DEFAULT_MAX_BYTES) -> Document:
    """Read and analyse a file. Raises ReaderError with a clear reason."""
    _load()
    suffix = os.path.splitext(path)[1].lower()
    if os.path.isdir(path):
        raise ReaderError("这是一个目录，不是文件")
    if os.path.islink(path) and not os.path.exists(path):
        raise ReaderError("符号链接指向的文件不存在")
    fn = _READERS.get(suffix)
    if fn is None:
        raise ReaderError(f"不支持的文件类型“{suffix or '（无扩展名）'}”，支持：{'、'.join(supported_suffixes())}")
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise ReaderError("文件不存在") from None
    except OSError as e:
        raise ReaderError(f"无法读取文件：{_os_reason(e)}") from None
    if not stat.S_ISREG(st.st_mode):
        # a FIFO would block forever and /dev/zero never ends: only regular files are read
        raise ReaderError("不是普通文件（可能是管道、设备或套接字）")
    size = st.st_size
    if size > max_bytes:  # refused before a single byte is read
        raise ReaderError(f"文件过大（{_mb(size)}，上限 {_mb(max_bytes)}；可在配置中用 max-file-size 调高）")
    try:
        with open(path, "rb") as f:
            data = f.read(max_bytes + 1)  # bounded even if the file grows after stat()
    except PermissionError:
        raise ReaderError("没有读取该文件的权限") from None
    except IsADirectoryError:
        raise ReaderError("这是一个目录，不是文件") from None
    except OSError as e:
        raise ReaderError(f"无法读取文件：{_os_reason(e)}") from None
    if len(data) > max_bytes:
        raise ReaderError(f"文件过大（超过上限 {_mb(max_bytes)}；可在配置中用 max-file-size 调高）")
    doc = fn(path, data)
    doc.raw_bytes_hash = hashlib.sha256(data).hexdigest()
    from ..report import analyze

    analyze(doc)
    return doc


def _mb(n: int) -> str:
    return f"{n / 1048576:.1f} MB" if n >= 1048576 else f"{n} 字节"


_ERRNO_ZH = {
    errno.ENOENT: "文件不存在",
    errno.EACCES: "没有读取该文件的权限",
    errno.EPERM: "没有读取该文件的权限",
    errno.EISDIR: "这是一个目录，不是文件",
    errno.ELOOP: "符号链接循环",
    errno.ENAMETOOLONG: "路径过长",
    errno.EIO: "输入/输出错误（磁盘或网络文件系统故障）",
}


def _os_reason(e: OSError) -> str:
    return _ERRNO_ZH.get(e.errno or 0) or f"{e.strerror or e}"


def document_from_text(text: str, path: str = "<text>", fmt: str = "txt") -> Document:
    """Build and analyse a Document from a string (tests, LSP buffers)."""
    from ..decoding import split_line_ends
    from ..report import analyze

    norm, ends = split_line_ends(text)
    doc = Document(path=path, format=fmt, text=norm, encoding="utf-8", line_ends=ends)
    analyze(doc)
    return doc
