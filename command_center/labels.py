"""Chinese labels for every column a person sees: the one place they live.

Warehouse columns take the canonical export header from ``schema``; derived columns of query
results (counts, rates, ...) are listed in ``DERIVED``. Pages call ``label(col)`` or
``chinese_columns(df)``; ``tests/test_labels.py`` fails when a table on any page shows a raw
column name.
"""

from __future__ import annotations

import pandas as pd

from command_center.schema import DATASETS, RAW_ENUM_COLUMNS, raw_column

DERIVED: dict[str, str] = {
    "community_name": "社区",
    "status": "状态",
    "category": "类别",
    # columns several datasets name differently get the 警情 header here, whatever the order
    # of schema.DATASETS (they took the first dataset's before the registry took build order)
    "address": "事发地址",
    "closed_at": "办结时间",
    "source": "来源",
    "community_code": "社区编码",
    "area_name": "片区",
    "day": "日期",
    "week": "周",
    "month": "月份",
    "hour": "时段",
    "weekday": "星期",
    "n": "数量",
    "incident_count": "警情数",
    "open_count": "未办结",
    "closed_count": "已办结",
    "rate_per_1000": "每千人警情",
    "dispute_count": "纠纷数",
    "success_count": "调解成功",
    "success_rate": "调解成功率",
    "overdue_count": "超期件",
    "days_overdue": "超期天数",
    "org_count": "社会组织数",
    "shelter_count": "避灾场所数",
    "persons_planned": "应转移人数",
    "persons_moved": "已转移人数",
    "persons_pending": "应转未转人数",
    "transfer_rate": "转移率",
    "occupancy": "在场人数",
    "occupancy_rate": "使用率",
    "source_file": "文件",
    "row_number": "行号",
    "reason": "原因",
    "dataset": "数据集",
    # 四色预警 (command_center.risk; pages take indicator names from risk.toml)
    "score": "风险分",
    "level": "预警等级",
    "level_rank": "等级序号",
    "color": "颜色",
    "period_no": "期次",
    "period_start": "期初",
    "incident_rate": "警情率",
    "incident_rate_points": "警情率得分",
    "incident_yoy": "警情同比",
    "incident_yoy_points": "警情同比得分",
    "open_disputes": "在办纠纷",
    "open_disputes_points": "在办纠纷得分",
    "overdue_disputes": "超期纠纷",
    "overdue_disputes_points": "超期纠纷得分",
    "repeat_disputes": "重复纠纷",
    "repeat_disputes_points": "重复纠纷得分",
    "floating_share": "流动人口占比",
    "floating_share_points": "流动人口占比得分",
    "evacuation_shortfall": "转移缺口",
    "evacuation_shortfall_points": "转移缺口得分",
    "weighted_incidents": "加权警情数",
    "weighted_incidents_yoy": "去年同期加权警情数",
    "typhoon_name": "最近台风",
    # 社会组织 page
    "rated_3a_count": "3A及以上",
    "staff_total": "专职人员合计",
    "volunteer_total": "志愿者合计",
    "days_listed": "列入天数",
    "orgs_per_10k": "每万人组织数",
    "brand_count": "品牌调解室案件",
    "org_address": "住所",
    # 防台转移 page
    "persons_refused": "拒绝转移人数",
    "persons_waiting": "待转移人数",
    "persons_returned": "已返回人数",
    "persons_central": "集中安置人数",
    "persons_relatives": "投亲靠友人数",
    "households_planned": "应转移户数",
    "households_pending": "应转未转户数",
    "households_refused": "拒绝转移户数",
    "shortfall": "缺口人数",
    "planned_shelter_name": "计划安置点",
    "persons_assigned": "计划安置人数",
    "shelter_level": "场所等级",
    "fill_status": "使用状态",
    "transferred_cum": "累计转移人数",
    "returned_cum": "累计返回人数",
    "in_shelter": "在场安置人数",
    "peak_in_shelter": "峰值在场人数",
    "shelters_near_full": "达九成容量场所数",
    "hours_to_90": "完成九成用时（小时）",
    # 警情事件 · 矛盾纠纷 pages
    "median_close_days": "办结天数中位数",
    "mediator_org_name": "调解组织",
    "same_place_count": "90天内同社区同类型",
    "same_party_count": "90天内同当事人",
    # 平安乐巡 page
    "done_count": "已完成任务",
    "task_count": "任务数",
    "patrol_hours": "巡逻时长（小时）",
    "person_hours": "巡逻人时",
    "duration_hours": "时长（小时）",
    "points_total": "发放积分",
    "hours_per_incident": "每起警情巡逻时长（小时）",
    "team_name": "队伍名称",
    # 数据管理 page
    "imported_at": "导入时间",
    "read": "读取",
    "loaded": "入库",
    "quarantined": "隔离",
    "inserted": "新增",
    "updated": "更新",
    "unchanged": "未变",
    "row_count": "记录数",
    "last_imported_at": "数据更新于",
    "newest_record_at": "最新记录时间",
    "quarantined_count": "隔离行数",
    "quarantined_at": "隔离时间",
    "raw_json": "原始数据",
    "column_name": "字段",
    "raw_value": "原始取值",
}


def _schema_labels() -> dict[str, str]:
    out: dict[str, str] = {}
    for ds in DATASETS.values():
        for col in ds.columns:
            out.setdefault(col.name, col.header)
    # the values as imported: 原始 + the column's header where every dataset names it alike
    # (原始场所等级), else its shared label (原始状态 for 处置状态, 办理状态 …)
    headers: dict[str, set[str]] = {}
    for name, columns in RAW_ENUM_COLUMNS.items():
        for c in columns:
            headers.setdefault(c, set()).add(DATASETS[name].column(c).header)
    for c, names in headers.items():
        out.setdefault(raw_column(c), "原始" + (next(iter(names)) if len(names) == 1
                                                 else DERIVED.get(c, out[c])))
    return out


LABELS: dict[str, str] = {**_schema_labels(), **DERIVED}


def label(column: str) -> str:
    return LABELS.get(column, column)


def chinese_columns(df: pd.DataFrame, extra: dict[str, str] | None = None) -> pd.DataFrame:
    """A copy of ``df`` with Chinese column headers (``extra`` overrides per call)."""
    names = {**LABELS, **(extra or {})}
    return df.rename(columns={c: names.get(c, c) for c in df.columns})
