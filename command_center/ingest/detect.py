"""Format and encoding detection of an export file, and decoding its text.

* Format from the file's first bytes (``PK`` zip → xlsx, OLE2 → xls), else text (csv/tsv/txt);
  a ``.xls`` that is really CSV text (some systems do that) is read as text.
* Encoding of text files: a BOM (UTF-8, UTF-16) decides; otherwise a strict UTF-8 check over
  the whole file in 1 MiB chunks; otherwise GB18030 (a superset of GBK/GB2312), checked the
  same way; charset-normalizer only when both fail. Non-UTF-8 files are transcoded in chunks
  to a temporary UTF-8 file, which DuckDB's CSV reader then reads at full speed.
* The first lines of a text file, decoded, and the delimiter a line suggests.
"""

from __future__ import annotations

import codecs
from pathlib import Path

from command_center.ingest import IngestError

CHUNK = 1 << 20

TEXT_EXTENSIONS = {".csv", ".txt", ".tsv", ".xls"}


def detect_format(path: Path) -> str:
    path = Path(path)
    if not path.is_file():
        raise IngestError(f"文件不存在：{path}")
    try:
        with open(path, "rb") as fh:
            magic = fh.read(8)
    except OSError as exc:
        raise IngestError(f"文件无法读取：{path}（{exc.strerror}）") from None
    ext = path.suffix.lower()
    if magic.startswith(b"PK\x03\x04"):
        if ext in (".xlsx", ".xlsm", ".xls", ""):
            return "xlsx"
        raise IngestError(f"不支持的文件格式：{path.name}（压缩包，请上传 csv、xlsx 或 xls）")
    if magic.startswith(b"\xd0\xcf\x11\xe0"):
        return "xls"
    if ext in TEXT_EXTENSIONS or ext == "":
        head = magic.lstrip()
        if head[:5].lower() in (b"<html", b"<!doc", b"<?xml", b"<tabl"):
            raise IngestError(f"不支持的文件格式：{path.name} 是网页/XML 文件，请另存为 xlsx 或 csv")
        return "csv"
    raise IngestError(f"不支持的文件格式：{path.name}（仅支持 csv、xlsx、xls）")


def _decodes(path: Path, encoding: str, skip: int = 0) -> bool:
    dec = codecs.getincrementaldecoder(encoding)("strict")
    try:
        with open(path, "rb") as fh:
            fh.seek(skip)
            while chunk := fh.read(CHUNK):
                dec.decode(chunk)
            dec.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _is_utf8_line(line: bytes) -> bool:
    """A line with non-ASCII bytes that is valid UTF-8 (GBK text almost never is)."""
    if line.isascii():
        return False
    try:
        line.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _mixed_decodes(path: Path) -> bool:
    """GBK lines and UTF-8 lines in one file (pasted together by hand): every line decodes as
    one or the other."""
    with open(path, "rb") as fh:
        for line in fh:
            if not _is_utf8_line(line):
                try:
                    line.decode("gb18030")
                except UnicodeDecodeError:
                    return False
    return True


def _utf8_lines(path: Path) -> int:
    with open(path, "rb") as fh:
        return sum(1 for line in fh if _is_utf8_line(line))


def detect_encoding(path: Path) -> str:
    with open(path, "rb") as fh:
        head = fh.read(4)
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith(codecs.BOM_UTF16_LE) or head.startswith(codecs.BOM_UTF16_BE):
        return "utf-16"
    if _decodes(path, "utf-8"):
        return "utf-8"
    if _decodes(path, "gb18030") or _mixed_decodes(path):
        return "gb18030"
    try:
        from charset_normalizer import from_path

        best = from_path(path).best()
    except Exception:
        best = None
    if best is not None and best.encoding and _decodes(path, best.encoding):
        return best.encoding
    raise IngestError(f"无法识别文件编码：{Path(path).name}（请另存为 UTF-8 或 GBK 编码的 csv）")


def _transcode(path: Path, encoding: str, out: Path) -> None:
    if encoding == "gb18030":  # line by line: a UTF-8 line in a GBK file stays readable
        with open(path, "rb") as src, open(out, "w", encoding="utf-8", newline="") as dst:
            for line in src:
                dst.write(line.decode("utf-8") if _is_utf8_line(line)
                          else line.decode("gb18030"))
        return
    dec = codecs.getincrementaldecoder(encoding)("strict")
    with open(path, "rb") as src, open(out, "w", encoding="utf-8", newline="") as dst:
        while chunk := src.read(CHUNK):
            dst.write(dec.decode(chunk))
        dst.write(dec.decode(b"", final=True))


def _head_lines(path: Path, encoding: str, n: int) -> list[str]:
    lines: list[str] = []
    if encoding == "gb18030":
        with open(path, "rb") as fh:
            for line in fh:
                lines.append(line.decode("utf-8") if _is_utf8_line(line)
                             else line.decode("gb18030"))
                if len(lines) >= n:
                    break
        return [x.replace("\r\n", "\n") for x in lines]
    with open(path, encoding=encoding, newline="") as fh:
        for line in fh:
            lines.append(line)
            if len(lines) >= n:
                break
    return lines


def _sniff_delimiter(line: str) -> str:
    counts = {d: line.count(d) for d in (",", "\t", ";", "|")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > 0 else ","
