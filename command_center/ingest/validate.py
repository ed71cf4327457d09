"""Quarantine reasons and warnings: what makes a row unusable, and what is fixed silently.

A quarantined row is kept in the ``quarantine`` table with its file, row number (as seen in
Excel), one Chinese reason and the raw cells as JSON (source headers as keys), so it can be
downloaded, fixed and imported again. Reasons, checked in this order (the first one applies):

    单元格过长（超过 N 个字符） a cell is longer than [limits] max_cell_kb (checked first)
    缺少编号                  the key cell is empty
    缺少必填字段：<表头>       a required cell is empty (e.g. 缺少必填字段：上报时间)
    <表头>无法识别            a required time/date cell can't be parsed (上报时间无法识别)
    不属于本县（<名称>）        a district/street column (所属区县, 所属街道…) names another
                              area than the county ([county] name) and its areas
    坐标不在县域范围内         the point (after conversion to WGS-84) lies outside the county
    社区无法识别              the community cell names no known community and the row has no
                              point inside a community polygon to fall back on
    文件内编号重复            the key appears again further down in the same file: the LAST
                              occurrence is the current state and is loaded, earlier ones are
                              quarantined with this reason

Warnings (the row is loaded; counted per wording in the report):

    <表头>无法识别，已置空     optional time/date/number/yes-no/organisation value
    <表头>无法识别，记为其他   enum value outside the vocabulary (vocabulary has 其他)
    所属社区无法识别，已按坐标归属   community text unknown, taken from the point
    社区由坐标补全            community missing, taken from the point
    缺少坐标，已用社区中心点    point missing, community centroid used (location_is_approx)
    经纬度颠倒，已交换         longitude and latitude columns were swapped
    坐标不完整，已忽略         only one of longitude/latitude given
    无表头的列中有内容，未导入  cells under a column with no header (the note counts the cells)
    无社区无坐标              neither a community nor a point: loaded, on no map and no
                              community's figures (the report's 定位 line counts it too)
    同一年已有同名台风，请核对编号  a typhoon named like another of the same season, numbered
                              differently (201909 and 1909 are folded to 1909 first)
"""

from __future__ import annotations

DUPLICATE = "文件内编号重复"
MISSING_KEY = "缺少编号"
OUTSIDE = "坐标不在县域范围内"
UNKNOWN_COMMUNITY = "社区无法识别"


def too_long(chars: int) -> str:
    return f"单元格过长（超过 {chars:,} 个字符）"


def missing(header: str) -> str:
    return f"缺少必填字段：{header}"


def unparseable(header: str) -> str:
    return f"{header}无法识别"


def control(header: str) -> str:
    return f"{header}含控制字符，已清除"


def out_of_range(header: str, low, high, action: str) -> str:
    return f"{header}超出合理范围（{low}～{high}）{action}"


def not_integer(header: str) -> str:
    return f"{header}不是整数"


def nulled(header: str) -> str:
    return f"{header}无法识别，已置空"


def other(header: str) -> str:
    return f"{header}无法识别，记为其他"


COMMUNITY_FROM_POINT_UNKNOWN = "所属社区无法识别，已按坐标归属"
COMMUNITY_FROM_POINT = "社区由坐标补全"
CENTROID_USED = "缺少坐标，已用社区中心点"
SWAPPED = "经纬度颠倒，已交换"
PARTIAL_POINT = "坐标不完整，已忽略"
HEADERLESS = "无表头的列中有内容，未导入"
SAME_NAME_SEASON = "同一年已有同名台风，请核对编号"
UNPLACED = "无社区无坐标"
OTHER_AREA = "不属于本县"
