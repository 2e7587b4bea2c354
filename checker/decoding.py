"""Bytes -> text for plain-text inputs: encoding detection and line-end handling."""
from __future__ import annotations

import codecs
from dataclasses import dataclass


class DecodeError(ValueError):
    """The bytes are not text in any encoding we accept."""


@dataclass
class Decoded:
    text: str  # line ends normalised to \n, BOM removed
    encoding: str  # python codec name, e.g. "utf-8", "gb18030", "utf-16-le"
    bom: bool
    line_ends: list[str]  # original terminator of each line ("\n", "\r\n", "\r" or "")


_BOMS = [
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
]


def _plausible(text: str) -> float:
    """Share of characters that are common in Chinese documents."""
    if not text:
        return 0.0
    sample = text[:4000]
    good = 0
    for ch in sample:
        o = ord(ch)
        if (32 <= o < 127 or ch in "\t\n\r" or 0x4E00 <= o <= 0x9FFF or 0x3000 <= o <= 0x303F
                or 0xFF00 <= o <= 0xFFEF or 0x2000 <= o <= 0x206F or 0xA0 <= o <= 0x17F):
            good += 1
    return good / len(sample)


def _looks_utf16(data: bytes) -> str | None:
    """UTF-16 without BOM: NUL bytes present and one byte order decodes to plausible text."""
    if len(data) < 2 or len(data) % 2 or b"\x00" not in data:
        return None
    best, best_score = None, 0.0
    for enc in ("utf-16-le", "utf-16-be"):
        try:
            score = _plausible(data[:8192].decode(enc, errors="strict"))
        except UnicodeDecodeError:
            continue
        if score > best_score:
            best, best_score = enc, score
    return best if best_score > 0.9 else None


def _control_ratio(text: str) -> float:
    if not text:
        return 0.0
    bad = sum(1 for ch in text[:20000] if (ord(ch) < 32 and ch not in "\t\n\r\f\v") or ch == "\ufffd")
    return bad / min(len(text), 20000)


def detect_and_decode(data: bytes) -> tuple[str, str, bool]:
    """Return (text, encoding, had_bom). Raises DecodeError for binary data."""
    for bom, enc in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom):].decode(enc), enc, True
            except UnicodeDecodeError as e:
                raise DecodeError(f"带BOM的{enc}文本中有无法解码的字节（偏移{e.start}）") from None
    enc16 = _looks_utf16(data)
    if enc16:
        try:
            return data.decode(enc16), enc16, False
        except UnicodeDecodeError:
            pass
    if b"\x00" in data:
        raise DecodeError("文件含有NUL字节，不是文本文件（可能是二进制文件）")
    try:
        text = data.decode("utf-8")
        enc = "utf-8"
    except UnicodeDecodeError:
        text = None
        enc = ""
        try:
            text = data.decode("gb18030")
            enc = "gb18030"
        except UnicodeDecodeError:
            from charset_normalizer import from_bytes

            best = from_bytes(data).best()
            if best is None:
                text, enc = _lenient(data)
            else:
                text = str(best)
                enc = best.encoding
    if _control_ratio(text) > 0.05:
        raise DecodeError("文件含有大量控制字符，不像是文本文件（可能是二进制文件）")
    return text, enc, False


def _lenient(data: bytes) -> tuple[str, str]:
    """A UTF-8 or GB18030 file with a few damaged bytes (a bad sector, a cut-and-pasted
    fragment) is still checked: each bad byte becomes U+FFFD. ``--fix`` refuses such a
    file, since it cannot be written back byte for byte."""
    limit = max(4, len(data) // 2000)
    best = None
    for enc in ("utf-8", "gb18030"):
        text = data.decode(enc, errors="replace")
        bad = text.count("\ufffd")
        if bad <= limit and (best is None or bad < best[0]):
            best = (bad, text, enc)
    if best is None:
        raise DecodeError("无法识别文件编码（不是UTF-8、UTF-16或GB18030/GBK文本）")
    return best[1], best[2]


def split_line_ends(text: str) -> tuple[str, list[str]]:
    """Normalise CRLF/CR/LF to LF, remembering each line's original terminator."""
    if "\r" not in text:
        n = text.count("\n")
        return text, ["\n"] * n + [""]
    out: list[str] = []
    ends: list[str] = []
    i = 0
    start = 0
    n = len(text)
    while i < n:
        ch = text[i]
        if ch == "\r":
            out.append(text[start:i])
            if i + 1 < n and text[i + 1] == "\n":
                ends.append("\r\n")
                i += 2
            else:
                ends.append("\r")
                i += 1
            start = i
            continue
        if ch == "\n":
            out.append(text[start:i])
            ends.append("\n")
            start = i + 1
        i += 1
    out.append(text[start:])
    ends.append("")
    return "\n".join(out), ends


def join_line_ends(text: str, line_ends: list[str]) -> str:
    """Inverse of split_line_ends for a (possibly edited) normalised text.

    Lines beyond the recorded ones take the file's dominant terminator."""
    lines = text.split("\n")
    if not line_ends:
        return text
    dominant = max(("\n", "\r\n", "\r"), key=line_ends.count)
    parts = []
    for i, line in enumerate(lines):
        parts.append(line)
        if i < len(lines) - 1:
            parts.append(line_ends[i] if i < len(line_ends) - 1 and line_ends[i] else dominant)
    return "".join(parts)


def decode(data: bytes) -> Decoded:
    text, enc, bom = detect_and_decode(data)
    norm, ends = split_line_ends(text)
    return Decoded(norm, enc, bom, ends)


def encode(text: str, encoding: str, bom: bool, line_ends: list[str]) -> bytes:
    """Encode a normalised text back with the file's encoding, BOM and line ends."""
    raw = join_line_ends(text, line_ends).encode(encoding)
    if bom:
        for b, enc in _BOMS:
            if enc == encoding:
                raw = b + raw
                break
    return raw
