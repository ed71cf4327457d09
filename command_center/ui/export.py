"""Download what a page shows: CSV (UTF-8 with BOM, opens in Excel) and XLSX.

Both files carry the filters that produced them: CSV as leading ``# 筛选条件`` lines, XLSX as a
second sheet 筛选条件. Whatever the caller passes, the writers mask personal data (by column and
by content, ``privacy.mask_frame``) and neutralise every text cell a spreadsheet would run as a
formula (``privacy.neutral``: a leading ' keeps the text). Only a role that may export gets
the buttons; each file produced is audited once (who, file, filters, rows).
"""

from __future__ import annotations

import io

import pandas as pd
import streamlit as st

from command_center.access import current
from command_center.labels import chinese_columns
from command_center.privacy import mask_frame, neutral, neutral_frame


def safe_frame(df: pd.DataFrame) -> pd.DataFrame:
    """What any written file gets: masked, Chinese headers, no live formulas."""
    return neutral_frame(chinese_columns(mask_frame(df)))


def _safe_filters(filters: dict[str, str]) -> dict[str, str]:
    return {neutral(str(k)): neutral(str(v)) for k, v in filters.items()}


def csv_bytes(df: pd.DataFrame, filters: dict[str, str]) -> bytes:
    head = "".join(f"# {k}：{v}\n" for k, v in _safe_filters(filters).items())
    body = safe_frame(df).to_csv(index=False, lineterminator="\n")
    return ("\ufeff" + head + body).encode("utf-8")


def xlsx_bytes(df: pd.DataFrame, filters: dict[str, str], sheet: str = "数据") -> bytes:
    buf = io.BytesIO()
    filters = _safe_filters(filters)
    with pd.ExcelWriter(buf, engine="openpyxl") as xw:
        safe_frame(df).to_excel(xw, sheet_name=sheet[:31], index=False)
        pd.DataFrame({"筛选条件": list(filters), "值": list(filters.values())}).to_excel(
            xw, sheet_name="筛选条件", index=False)
    return buf.getvalue()


def may_export() -> bool:
    v = current.viewer()
    return bool(v and v.role.export)


def audited(action: str, file_name: str, filters: dict[str, str], make, rows=None):
    """A download's ``data`` callable: makes the bytes, then audits the act once.

    Streamlit calls it when the button is clicked, outside the script run that drew it: the
    viewer of that run (their scope, their unmasking) is carried along."""
    snap = current.snapshot()

    def produce() -> bytes:
        with current.acting_as(snap):
            data = make()
            current.record(action, target=file_name, detail={"筛选条件": dict(filters)},
                           rows=rows() if callable(rows) else rows)
        return data
    return produce


def download_buttons(df, filters: dict[str, str], file_stem: str, key: str, *,
                     sheet: str = "数据", disabled: bool = False, columns=None) -> None:
    """Two buttons: 导出 CSV / 导出 Excel. ``df`` is a frame or a function returning one (then
    it is fetched only when a button is clicked); ``columns`` are two containers to draw in
    (default: two new columns). Without the export right the buttons are disabled."""
    frame: dict = {}

    def get() -> pd.DataFrame:
        if "df" not in frame:
            frame["df"] = df() if callable(df) else df
        return frame["df"]

    allowed = may_export()
    tip = None if allowed else "当前角色不能导出数据"
    left, right = columns or st.columns(2)
    csv_name, xlsx_name = f"{file_stem}.csv", f"{file_stem}.xlsx"
    left.download_button(
        "导出 CSV", data=audited("export", csv_name, filters, lambda: csv_bytes(get(), filters),
                               lambda: len(get())),
        file_name=csv_name, mime="text/csv", key=f"{key}_csv", on_click="ignore",
        disabled=disabled or not allowed, help=tip, width="stretch")
    right.download_button(
        "导出 Excel", data=audited("export", xlsx_name, filters,
                                 lambda: xlsx_bytes(get(), filters, sheet=sheet),
                                 lambda: len(get())),
        file_name=xlsx_name,
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key=f"{key}_xlsx", on_click="ignore", disabled=disabled or not allowed, help=tip,
        width="stretch")
