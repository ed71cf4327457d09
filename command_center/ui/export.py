"""Download what a page shows: CSV (UTF-8 with BOM, opens in Excel) and XLSX.

Both files carry the filters that produced them: CSV as leading ``# 筛选条件`` lines, XLSX as a
second sheet 筛选条件. Personal columns must already be masked by the caller.
"""

from __future__ import annotations

import io

import pandas as pd
import streamlit as st

from command_center.labels import chinese_columns


def csv_bytes(df: pd.DataFrame, filters: dict[str, str]) -> bytes:
    head = "".join(f"# {k}：{v}\n" for k, v in filters.items())
    body = chinese_columns(df).to_csv(index=False, lineterminator="\n")
    return ("\ufeff" + head + body).encode("utf-8")


def xlsx_bytes(df: pd.DataFrame, filters: dict[str, str], sheet: str = "数据") -> bytes:
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as xw:
        chinese_columns(df).to_excel(xw, sheet_name=sheet[:31], index=False)
        pd.DataFrame({"筛选条件": list(filters), "值": list(filters.values())}).to_excel(
            xw, sheet_name="筛选条件", index=False)
    return buf.getvalue()


def download_buttons(df: pd.DataFrame, filters: dict[str, str], file_stem: str,
                     key: str) -> None:
    """Two buttons side by side: 导出CSV / 导出Excel (generated only when clicked)."""
    cols = st.columns(2)
    cols[0].download_button(
        "导出 CSV", data=lambda: csv_bytes(df, filters), file_name=f"{file_stem}.csv",
        mime="text/csv", key=f"{key}_csv", on_click="ignore", width="stretch")
    cols[1].download_button(
        "导出 Excel", data=lambda: xlsx_bytes(df, filters), file_name=f"{file_stem}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key=f"{key}_xlsx", on_click="ignore", width="stretch")
