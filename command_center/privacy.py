"""Personal data by content and by header; neutral spreadsheet cells; escaped markdown.

One module for everything that keeps personal data and hostile cell text from reaching a
person's screen or a written file:

* **Masking** (:func:`mask_frame`, :func:`mask_text`, :func:`mask_cells`). A value is masked
  when its *column* says it is personal (the schema's ``personal`` columns, or a header such as
  姓名/联系人/联系方式/公民身份号码/家庭住址) and, in every text column, when its *content* holds
  an identity number (18 characters whose GB 11643 check digit and birth date are valid), a
  mobile number (1[3-9] + 9 digits, spaces or hyphens allowed), a landline with its area code
  (0577-61234567, (0577)61234567) or a name after a cue word (报警人李四, 当事人：王五、赵六,
  联系人 张三). Free text is masked in place: "报警人李*，电话139****5678，身份证330327********1234".
  Masking is idempotent (masking masked text changes nothing).
* **Who may see unmasked data**: :func:`may_unmask` — a role that allows it, with a reason;
  a role system switches it. Nothing here reads unmasked data for display otherwise.
* **Formula neutralising** (:func:`neutral`, :func:`neutral_frame`): a text cell beginning with
  ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a leading ``'`` (OWASP's CSV
  injection rule), so Excel/WPS show the text instead of running it. Every CSV and XLSX the app
  writes goes through it.
* **Markdown/HTML escaping** (:func:`md`): data placed into ``st.markdown``, captions, labels or
  help texts is escaped, so a name like ``![x](http://host/x.png)`` is shown as text and never
  makes a browser fetch anything.
"""

from __future__ import annotations

import datetime as dt
import html
import math
import re
from collections.abc import Iterable

import pandas as pd

# ------------------------------------------------------------------ who may see what


def may_unmask() -> bool:
    """Whether the current viewer sees personal data unmasked: their role allows it and they
    gave a reason, which was audited (``command_center.access.current``). Outside the app: no.
    Every masking function below asks it."""
    from command_center.access import current
    return current.unmasking()


# ------------------------------------------------------------------ single values
def _missing(x) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x)) or x is pd.NA or x is pd.NaT


def mask_name(name) -> str:
    """张三 → 张*, 欧阳娜娜 → 欧***; several names separated by 、，, are masked each."""
    if _missing(name) or name == "":
        return ""
    parts = re.split(r"[、,，;；/\s]+", str(name).strip())
    return "、".join(p[:1] + "*" * max(len(p) - 1, 1) for p in parts if p)


def mask_phone(phone) -> str:
    """13812341234 → 138****1234; other lengths keep the last 4 only."""
    if _missing(phone) or phone == "":
        return ""
    digits = str(phone).strip()
    if len(digits) == 11 and "*" not in digits[:3]:
        return digits[:3] + "****" + digits[7:]
    return "*" * max(len(digits) - 4, 0) + digits[-4:]


def mask_id(number) -> str:
    """330327199001011234 → 330327********1234 (region and last four kept)."""
    if _missing(number) or number == "":
        return ""
    s = str(number).strip()
    if len(s) >= 15:
        return s[:6] + "*" * (len(s) - 10) + s[-4:]
    return "*" * max(len(s) - 4, 0) + s[-4:]


def mask_address(address) -> str:
    """A home address keeps its place names; every digit (house, building, room) becomes *."""
    if _missing(address) or address == "":
        return ""
    return re.sub(r"[0-9０-９]", "*", mask_text(str(address)))


# ------------------------------------------------------------------ content patterns
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_ID_RE = re.compile(r"(?<![0-9A-Za-z])([1-9]\d{5})(\d{8})(\d{3})([0-9Xx])(?![0-9A-Za-z])")
_MOBILE_RE = re.compile(r"(?<![0-9])(?:\+?86[- ]?)?(1[3-9]\d)[- ]?(\d{4})[- ]?(\d{4})(?![0-9])")
_LANDLINE_RE = re.compile(
    r"(?<![0-9])(?:(0\d{2,3})[-－—]|[(（](0\d{2,3})[)）]\s?)(\d{3,4})[- ]?(\d{4})(?![0-9])")
_HAN = "\u4e00-\u9fff"
_CUES = ("报警人", "报案人", "求助人", "举报人", "投诉人", "反映人", "当事人", "联系人", "申请人",
         "被申请人", "被害人", "受害人", "嫌疑人", "户主", "姓名", "上报人", "来电人", "发现人",
         "负责人", "法定代表人", "法人代表")
# (not 调解员/网格员/法人: organisation names such as 人民调解员协会 contain them)
_STOP = "称说报在于的与和及向因从到将被把对是已未也都等"
# a name: 2–4 Han characters ending before a non-Han character or a word that follows names
# (李四称…, 张三与…); when no end is found within four characters, the first two are taken
_NAME = rf"(?!姓名)(?![{_STOP}])(?:[{_HAN}][{_HAN}·]{{1,3}}?(?=[^{_HAN}·]|[{_STOP}]|$)|[{_HAN}]{{2}})"
_CUE_RE = re.compile(
    rf"((?:{'|'.join(sorted(_CUES, key=len, reverse=True))})(?:姓名)?\s*[:：]?\s*)"
    rf"({_NAME}(?:[、与和及]{_NAME})*)")
# cheap test before the slow patterns: a run of 7+ digits or a cue word
_MAYBE = re.compile(r"\d[\d\- ]{6,}|" + "|".join(_CUES))


def is_id_number(s: str) -> bool:
    """18-character PRC identity number with a valid GB 11643 check digit and birth date."""
    s = s.strip().upper()
    if not re.fullmatch(r"[1-9]\d{16}[0-9X]", s):
        return False
    total = sum(int(c) * w for c, w in zip(s[:17], _ID_WEIGHTS, strict=True))
    if _ID_CHECK[total % 11] != s[17]:
        return False
    try:
        born = dt.date(int(s[6:10]), int(s[10:12]), int(s[12:14]))
    except ValueError:
        return False
    return dt.date(1900, 1, 1) <= born <= dt.date.today()


def _mask_id_match(m: re.Match) -> str:
    text = m.group(0)
    return mask_id(text) if is_id_number(text) else text


def _mask_names_match(m: re.Match) -> str:
    cue, names = m.group(1), m.group(2)
    masked = re.sub(rf"[{_HAN}][{_HAN}·]*",
                    lambda n: n.group(0)[:1] + "*" * max(len(n.group(0)) - 1, 1), names)
    return cue + masked


def mask_text(text) -> str:
    """Free text with identity numbers, mobile and landline numbers and cued names masked."""
    if _missing(text):
        return ""
    s = str(text)
    if not _MAYBE.search(s):
        return s
    s = _ID_RE.sub(_mask_id_match, s)
    s = _MOBILE_RE.sub(lambda m: f"{m.group(1)}****{m.group(3)}", s)
    s = _LANDLINE_RE.sub(lambda m: f"{m.group(1) or m.group(2)}-****{m.group(4)}", s)
    s = _CUE_RE.sub(_mask_names_match, s)
    return s


# ------------------------------------------------------------------ by header
_NAME_WORDS = ("姓名", "名字", "联系人", "当事人", "报警人", "报案人", "上报人", "求助人", "户主",
               "法人", "法定代表人", "负责人", "申请人", "被申请人")
_PHONE_WORDS = ("电话", "手机", "联系方式", "联系号码", "号码")
_ID_WORDS = ("身份证", "证件号", "身份号码", "公民身份", "身份证号")
_ADDRESS_WORDS = ("住址", "家庭地址", "居住地", "户籍地", "现住", "家庭住址", "住所地")


def _schema_kinds() -> dict[str, str]:
    from command_center.schema import DATASETS

    out: dict[str, str | None] = {}
    for ds in DATASETS.values():  # the schema's own columns are known: personal or not
        for c in ds.columns:
            for h in (c.name, *c.headers):
                out.setdefault(re.sub(r"\s+", "", h), None)
    for ds in DATASETS.values():
        for c in ds.columns:
            if c.personal:
                kind = "phone" if "phone" in c.name else "name"
                for h in (c.name, *c.headers):
                    out[re.sub(r"\s+", "", h)] = kind
    return out


_KINDS: dict[str, str | None] | None = None


def header_kind(header) -> str | None:
    """'name' | 'phone' | 'id' | 'address' | None: what a column holds, judged by its header
    (a warehouse column name, its Chinese label, or any export header)."""
    global _KINDS
    if _KINDS is None:
        _KINDS = _schema_kinds()
    h = re.sub(r"\s+", "", str(header))
    if h in _KINDS:
        return _KINDS[h]
    if any(w in h for w in _ID_WORDS):
        return "id"
    if any(w in h for w in _PHONE_WORDS):
        return "phone"
    if any(w in h for w in _ADDRESS_WORDS):
        return "address"
    if any(w in h for w in _NAME_WORDS):
        return "name"
    return None


_BY_KIND = {"name": mask_name, "phone": mask_phone, "id": mask_id, "address": mask_address}

# identifiers and codes of the warehouse are not free text (a key must stay what it is)
_CODE_COLUMN = re.compile(r"(_id|_code|_ids|_codes)$")


def mask_value(value, header=None, *, kind: str | None = None):
    """One cell: masked by its kind (given, or judged from ``header``), else by content
    (non-text values unchanged)."""
    if _missing(value) or may_unmask():
        return value
    if kind is None and header is not None:
        kind = header_kind(header)
    if kind:
        return _BY_KIND[kind](value)
    if isinstance(value, str):
        return mask_text(value)
    return value


def mask_cells(headers: Iterable[str], cells: Iterable) -> list:
    """A row of a source file (cells aligned with its headers), masked."""
    return [mask_value(v, h) for h, v in zip(headers, cells, strict=False)]


def _is_text(series: pd.Series) -> bool:
    return series.dtype == object or pd.api.types.is_string_dtype(series)


def mask_series(series: pd.Series, header=None) -> pd.Series:
    if may_unmask() or not _is_text(series):
        return series
    kind = header_kind(header if header is not None else series.name)
    if kind:
        return series.map(_BY_KIND[kind], na_action="ignore")
    if _CODE_COLUMN.search(str(series.name)):
        return series
    text = series.astype(object)
    hits = text.map(lambda v: isinstance(v, str) and _MAYBE.search(v) is not None)
    if not hits.any():
        return series
    out = text.copy()
    out[hits] = text[hits].map(mask_text)
    return out


def mask_frame(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` with personal data masked in every column (by header and content).

    Applied to every named query's result (``queries.run_query_uncached``) before it reaches
    the cache, and again by every table and file writer (masking is idempotent).
    """
    if may_unmask() or df is None or df.empty:
        return df
    out = None
    for col in df.columns:
        s = df[col]
        if not _is_text(s):
            continue
        masked = mask_series(s, col)
        if masked is not s:
            if out is None:
                out = df.copy()
            out[col] = masked
    return df if out is None else out


# ------------------------------------------------------------------ spreadsheet cells
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")


def neutral(value):
    """A text cell that a spreadsheet would run as a formula gets a leading ' (text kept)."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def neutral_frame(df: pd.DataFrame) -> pd.DataFrame:
    """A copy with :func:`neutral` applied to every text cell and to the column headers."""
    out = df.copy()
    for col in out.columns:
        if _is_text(out[col]):
            out[col] = out[col].map(neutral, na_action="ignore")
    out.columns = [neutral(c) for c in out.columns]
    return out


# ------------------------------------------------------------------ markdown and HTML
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:&=\"'^])")


def md(text) -> str:
    """Data text safe inside Streamlit markdown (st.markdown, captions, labels, help): every
    markdown/HTML/LaTeX/directive character is backslash-escaped, line breaks become spaces."""
    if _missing(text):
        return ""
    s = re.sub(r"[\r\n]+", " ", str(text))
    return _MD_SPECIAL.sub(r"\\\1", s)


def html_text(text) -> str:
    """Data text safe inside HTML (tooltips, st.html)."""
    return "" if _missing(text) else html.escape(str(text), quote=True)
