"""Record tables: personal data masked, Chinese headers."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from command_center.formatting import mask_name, mask_phone
from command_center.labels import chinese_columns
from command_center.schema import DATASETS

PERSONAL_NAME = {c.name for d in DATASETS.values() for c in d.columns
                 if c.personal and "phone" not in c.name}
PERSONAL_PHONE = {c.name for d in DATASETS.values() for c in d.columns
                  if c.personal and "phone" in c.name}


def mask_frame(df: pd.DataFrame) -> pd.DataFrame:
    """A copy with every personal column (schema ``personal=True``) masked: 张*, 138****1234."""
    out = df.copy()
    for col in out.columns:
        if col in PERSONAL_NAME:
            out[col] = out[col].map(mask_name, na_action="ignore")
        elif col in PERSONAL_PHONE:
            out[col] = out[col].map(mask_phone, na_action="ignore")
    return out


def blank_missing_text(df: pd.DataFrame) -> pd.DataFrame:
    """Empty text cells instead of 'None' (numbers keep their NaN, shown blank anyway)."""
    out = df.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].astype(object).where(out[col].notna(), "")
    return out


def records_table(df: pd.DataFrame, *, key: str, height: int = 420, **kwargs):
    """Masked, Chinese-headed, virtualized table; returns st.dataframe's value."""
    return st.dataframe(chinese_columns(blank_missing_text(mask_frame(df))), hide_index=True,
                        height=height, key=key, width="stretch", **kwargs)
