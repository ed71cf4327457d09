"""SQL expressions that parse one text cell per schema ``kind`` (generated, no Python per row).

Every cell first goes through ``clean``: full-width digits, letters, space and the usual
full-width punctuation of dates and numbers (．－／：，＋) folded to ASCII, then trimmed
(spaces, tabs, line breaks, NBSP, ideographic space); an empty cell is NULL. ``text`` cells are
only trimmed (their full-width characters are kept).

What a value that can't be parsed becomes, per kind (``validate.py`` turns these into
quarantine reasons or warnings):

    id          never fails; an empty key quarantines the row (缺少编号)
    timestamp   formats below, Excel serial numbers (46228.58), ISO with T; a required one that
                can't be parsed quarantines the row ("上报时间无法识别"); an optional one
                becomes NULL with a warning ("办结时间无法识别，已置空")
    date        same formats (time part dropped) and rules as timestamp
    int/float   thousands separators, trailing units (元/人/户/个), 万 (float) accepted;
                else NULL + warning
    bool        是/否, Y/N, 1/0, true/false, 有/无, √/×; else NULL + warning
    enum        canonical value, or a synonym (``ENUM_SYNONYMS``), or the value with a trailing
                纠纷/类/案件/级; unknown → 其他 when the vocabulary has 其他 (warning
                "事件类别无法识别，记为其他"), else NULL ("满意度无法识别，已置空")
    community   12-digit code or name (exact, or without the 社区 suffix, or without the county
                name in front) resolved against the communities table; unknown → filled from the
                point when it lies in a community polygon, else the row is quarantined
                (社区无法识别)
    org         统一社会信用代码 (18 characters) kept as is; a name resolved against
                social_orgs.org_name; unknown name → NULL + warning
    lon/lat     a number; the CRS conversion and county check happen in ``geo.py``
"""

from __future__ import annotations

from command_center.schema import Column

TIMESTAMP_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y/%m/%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y/%m/%d %H:%M",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d %H:%M:%S.%f",
    "%Y-%m-%dT%H:%M:%S.%f",
    "%Y/%m/%d %H:%M:%S.%f",
    "%Y年%m月%d日 %H时%M分%S秒",
    "%Y年%m月%d日 %H时%M分",
    "%Y年%m月%d日 %H:%M:%S",
    "%Y年%m月%d日 %H:%M",
    "%Y年%m月%d日%H时%M分%S秒",
    "%Y年%m月%d日%H时%M分",
    "%Y年%m月%d日%H:%M:%S",
    "%Y年%m月%d日%H:%M",
    "%Y%m%d%H%M%S",
    "%Y%m%d %H:%M:%S",
    "%Y%m%d%H%M",
    "%Y%m%d%H",
    "%Y.%m.%d %H:%M:%S",
    "%Y.%m.%d %H:%M",
    "%Y-%m-%dT%H:%M:%S+08:00",
    "%Y-%m-%dT%H:%M:%S.%f+08:00",
    "%Y-%m-%d %H:%M:%S+08:00",
    "%Y-%m-%d",
    "%Y/%m/%d",
    "%Y年%m月%d日",
    "%Y.%m.%d",
    "%Y%m%d",
)

_FW_FROM = "０１２３４５６７８９ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺ" \
    "ａｂｃｄｅｆｇｈｉｊｋｌｍｎｏｐｑｒｓｔｕｖｗｘｙｚ\u3000．－／：，＋\u00a0"
_FW_TO = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz .-/:,+ "
assert len(_FW_FROM) == len(_FW_TO)

_TRIM = " \t\r\n\u00a0\u3000\ufeff"


def q(s: str) -> str:
    """SQL string literal."""
    return "'" + str(s).replace("'", "''") + "'"


def ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


# A cell needs the slow path (translate + trim with a character set) only when it holds a
# full-width character or starts/ends with whitespace; DuckDB's translate() is slow on long
# text, so the common clean cell costs one regex test.
_NEEDS_FOLD = "[０-９Ａ-Ｚａ-ｚ\u3000．－／：，＋\u00a0\ufeff]|^\\s|\\s$"
_NEEDS_TRIM = "^[\\s\u3000\u00a0\ufeff]|[\\s\u3000\u00a0\ufeff]$"


_CONTROL = r"[\x00-\x1f\x7f]"  # RE2 escapes, not the characters themselves


def strip_control(expr: str) -> str:
    """Control characters (NUL, tab, line breaks, ...) removed from an identifier cell."""
    return (f"case when regexp_matches({expr}, {q(_CONTROL)}) "
            f"then regexp_replace({expr}, {q(_CONTROL)}, '', 'g') else {expr} end")


def typhoon_no_expr(v: str) -> str:
    """Typhoon number in the warehouse's 4-digit form (YYNN, as 中央气象台 numbers them):
    ``201909``, ``第1909号`` and ``1909`` are the same storm → ``1909``."""
    return (f"case when regexp_full_match({v}, '第?((19|20)[0-9]{{4}}|[0-9]{{4}})号?(台风)?') "
            f"then right(regexp_extract({v}, '[0-9]+'), 4) else {v} end")


# id columns with a canonical written form (by column name; the same in every dataset)
ID_FORMS = {"typhoon_id": typhoon_no_expr}


def clean(expr: str) -> str:
    """Folded and trimmed (see the module's docstring). A cell of ASCII only (nearly every
    time, number and code) has nothing to fold: two character codes tell whether it has
    anything to trim, which costs a third of the regular expression; a character they wrongly
    suspect (a control character at an end) goes through a fold that leaves it as it is."""
    fixed = f"trim(translate({expr}, {q(_FW_FROM)}, {q(_FW_TO)}), {q(_TRIM)})"
    needs = (f"case when strlen({expr}) = length({expr}) "
             f"then ascii({expr}) <= 32 or ascii({expr}[-1]) <= 32 "
             f"else regexp_matches({expr}, {q(_NEEDS_FOLD)}) end")
    return f"nullif(case when {needs} then {fixed} else {expr} end, '')"


def clean_text(expr: str) -> str:
    return (
        f"nullif(case when regexp_matches({expr}, {q(_NEEDS_TRIM)}) "
        f"then trim({expr}, {q(_TRIM)}) else {expr} end, '')"
    )


def _fmt_list(formats) -> str:
    return "[" + ", ".join(q(f) for f in formats) + "]"


def excel_serial(v: str) -> str:
    """Excel serial day number (1954..2119) → timestamp."""
    return (
        f"case when regexp_full_match({v}, '[2-7][0-9]{{4}}(\\.[0-9]+)?') then "
        f"timestamp '1899-12-30' + to_microseconds("
        f"cast(round(try_cast({v} as double) * 86400000000) as bigint)) end"
    )


# What a person is told when a time can't be read (examples of the forms above).
TIME_FORMS_SHOWN = (
    "2026-07-25 14:03:00", "2026-07-25 14:03", "2026/7/25 14:03", "2026-07-25T14:03:00",
    "2026.7.25 14:03", "2026年7月25日 14时03分", "2026年7月25日 14:03", "20260725140300",
    "202607251403", "2026072514", "20260725", "2026-07-25", "Excel 日期（如 46228.58）",
)
LOCAL_TZ = "Asia/Shanghai"


def time_formats_note() -> str:
    return "可识别的时间格式：" + "、".join(TIME_FORMS_SHOWN) + "；请按其中一种改写后重新导入"


def timestamp_expr(v: str, timezone: str | None = None, local: str = LOCAL_TZ) -> str:
    """A local timestamp (``local``: settings.toml [county] timezone, Asia/Shanghai).
    ``timezone``: the zone the file's times are written in (``timezone`` of
    ``_source.toml``), converted to local; a value with an explicit ``+08:00`` is taken as
    local already."""
    # seconds-rounded Excel serials keep 46228.58 from landing on 13:55:11.999
    ts = (
        f"coalesce(try_strptime({v}, {_fmt_list(TIMESTAMP_FORMATS)}), "
        f"date_trunc('second', {excel_serial(v)} + interval 500 millisecond))"
    )
    if not timezone or timezone == local:
        return ts
    return (f"case when regexp_matches({v}, '\\+08:?00$') then {ts} "
            f"else timezone({q(local)}, timezone({q(timezone)}, {ts})) end")


def date_expr(v: str) -> str:
    return f"cast({timestamp_expr(v)} as date)"


def number(v: str) -> str:
    """A number written with separators, spaces or a unit (1,200 / 3 人 / 5元) as a double. A
    cell DuckDB reads as a number as it stands (nearly all) skips the regular expression."""
    text = f"regexp_replace({v}, '[,\\s]|(元|人|户|个|名|条|次)$', '', 'g')"
    return f"coalesce(try_cast({v} as double), try_cast({text} as double))"


def float_expr(v: str) -> str:
    """A number; ``1.2万`` / ``5万元`` are multiplied out (amounts are often written so)."""
    wan = f"try_cast(regexp_replace({v}, '[,\\s]|万元?$', '', 'g') as double) * 10000"
    return (f"case when ends_with({v}, '万') or ends_with({v}, '万元') then {wan} "
            f"else {number(v)} end")


def int_expr(v: str) -> str:
    return f"try_cast(round({number(v)}) as integer)"


TRUE_WORDS = ("是", "Y", "YES", "1", "TRUE", "T", "有", "√", "✓")
FALSE_WORDS = ("否", "N", "NO", "0", "FALSE", "F", "无", "×", "✗")


def bool_expr(v: str) -> str:
    t = ", ".join(q(w) for w in TRUE_WORDS)
    f = ", ".join(q(w) for w in FALSE_WORDS)
    return f"case when upper({v}) in ({t}) then true when upper({v}) in ({f}) then false end"


# ------------------------------------------------------------------ enum synonyms
# (dataset, column) → {canonical: (synonyms...)}; matching is case-insensitive after `clean`.
ENUM_SYNONYMS: dict[tuple[str, str], dict[str, tuple[str, ...]]] = {
    ("incidents", "source"): {
        "110": ("110报警", "电话报警", "110接警", "110警情", "110指挥中心", "报警电话", "电话"),
        "12345": ("12345热线", "12345平台", "12345政务服务热线", "市长热线", "政务热线", "热线"),
        "网格巡查": ("网格员上报", "网格上报", "网格员巡查", "巡查发现", "网格", "基层治理四平台"),
        "随手拍": ("群众随手拍", "浙里办随手拍", "掌上随手拍", "拍照上报"),
        "物联感知": ("物联网", "物联网感知", "智能感知", "视频监控", "AI预警", "智能预警", "感知设备"),
    },
    ("incidents", "category"): {
        "刑事": ("刑事案件", "刑事警情", "刑事类"),
        "治安": ("治安案件", "治安警情", "治安类"),
        "交通": ("交通事故", "交通警情", "交通类", "道路交通"),
        "消防救援": ("火灾", "消防", "火警", "抢险救援", "火灾救援", "消防类", "救援"),
        "群众求助": ("求助", "求助类", "群众求助类"),
        "纠纷": ("纠纷类", "矛盾纠纷", "民事纠纷"),
        "社会联动": ("联动", "社会联动类", "非警务", "非警务类"),
        "灾害事故": ("灾害", "灾害事故类", "自然灾害", "事故"),
    },
    ("incidents", "severity"): {
        "一般": ("普通", "Ⅳ级", "IV级", "四级", "4级", "Ⅳ", "IV"),
        "较大": ("Ⅲ级", "III级", "三级", "3级", "Ⅲ", "III"),
        "重大": ("Ⅱ级", "II级", "二级", "2级", "Ⅱ", "II"),
        "特别重大": ("特大", "Ⅰ级", "I级", "一级", "1级", "Ⅰ", "I"),
    },
    ("incidents", "status"): {
        "待受理": ("未受理", "待处理", "待签收", "待派发", "待派单", "新建", "未处理"),
        "处置中": ("受理中", "办理中", "处理中", "已受理", "已签收", "已派发", "已派单", "处置",
                "正在处置", "处置中"),
        "已办结": ("已结案", "办结", "已完成", "已处理", "已办理", "结案", "已处置", "完结",
                "已关闭", "已归档", "已反馈"),
        "已退回": ("退回", "已驳回", "驳回", "不予受理", "退单"),
    },
    ("incidents", "satisfaction"): {
        "满意": ("非常满意", "很满意"),
        "基本满意": ("比较满意", "一般", "较满意"),
        "不满意": ("很不满意", "非常不满意", "不太满意"),
    },
    ("disputes", "dispute_type"): {
        "婚姻家庭": ("婚姻", "家庭", "婚姻家庭纠纷", "家庭纠纷", "婚恋"),
        "邻里": ("邻里纠纷",),
        "房屋宅基地": ("房屋", "宅基地", "房屋纠纷", "宅基地纠纷"),
        "合同": ("合同纠纷", "借贷", "民间借贷"),
        "生产经营": ("生产经营性",),
        "损害赔偿": ("人身损害", "财产损害", "赔偿"),
        "山林土地": ("山林", "土地", "土地纠纷", "山林纠纷", "林地"),
        "征地拆迁": ("拆迁", "征地", "征收拆迁"),
        "环境污染": ("环境", "污染", "环保"),
        "劳动争议": ("劳资", "劳资纠纷", "劳动", "劳动纠纷", "欠薪"),
        "消费": ("消费者权益", "消费纠纷", "消费维权"),
        "医疗": ("医患", "医疗纠纷", "医患纠纷"),
        "道路交通事故": ("交通事故", "交通", "道路交通"),
        "物业": ("物业纠纷", "物业管理"),
    },
    ("disputes", "source"): {
        "群众来访": ("来访", "当事人申请", "申请", "群众申请", "自行申请", "来电"),
        "110转办": ("110", "公安转办", "公安移交", "110移交"),
        "12345转办": ("12345", "热线转办", "12345移交"),
        "网格排查": ("网格", "网格员排查", "排查发现", "主动排查", "排查"),
        "法院委派": ("法院", "法院委托", "委派", "诉前委派"),
        "部门移交": ("部门转办", "移交", "部门", "单位移交"),
    },
    ("disputes", "mediation_channel"): {
        "人民调解": ("人民调解委员会", "人调", "人民调解员"),
        "行业专业调解": ("行业性专业性调解", "行业调解", "专业调解", "行专调解"),
        "品牌调解室": ("品牌调解", "个人品牌调解室", "金牌调解室"),
        "警调联动": ("警调", "警律联调", "公安调解"),
        "诉调对接": ("诉调", "诉前调解", "法院调解"),
        "律师调解": ("律师", "律师调解工作室"),
    },
    ("disputes", "status"): {
        "已受理": ("受理", "登记", "待调处", "已登记", "待分流"),
        "调处中": ("调解中", "办理中", "处理中", "正在调解", "调处", "已分流"),
        "调解成功": ("成功", "已化解", "化解成功", "达成协议", "调解成功结案"),
        "调解不成功": ("不成功", "调解失败", "未化解", "失败", "未达成协议"),
        "已转诉讼": ("转诉讼", "诉讼", "已起诉", "引导诉讼", "转诉"),
        "已撤回": ("撤回", "当事人撤回", "撤销", "终止调解"),
    },
    ("disputes", "risk_level"): {
        "红": ("红色", "高", "高风险", "重大"),
        "橙": ("橙色", "较高", "较高风险", "较大"),
        "黄": ("黄色", "中", "中风险", "一般"),
        "蓝": ("蓝色", "低", "低风险", "轻微"),
    },
    ("social_orgs", "legal_form"): {
        "社会团体": ("社团",),
        "社会服务机构": ("民办非企业单位", "民非", "民办非企业", "民办非企业单位(法人)"),
        "基金会": ("基金",),
    },
    ("social_orgs", "category"): {
        "公益慈善": ("慈善", "公益", "公益慈善类"),
        "城乡社区服务": ("社区服务", "城乡社区服务类", "社区社会组织"),
        "行业协会商会": ("行业协会", "商会", "协会", "行业协会商会类"),
        "科技": ("科技类", "科技服务", "科学技术"),
        "文体": ("文化", "体育", "文体类", "文化体育"),
        "调解": ("调解类", "人民调解", "矛盾调解"),
        "应急救援": ("应急", "救援", "应急救援类"),
    },
    ("social_orgs", "rating"): {
        "5A": ("AAAAA", "5A级", "五A", "5"),
        "4A": ("AAAA", "4A级", "四A", "4"),
        "3A": ("AAA", "3A级", "三A", "3"),
        "2A": ("AA", "2A级", "二A", "2"),
        "1A": ("A", "1A级", "一A", "1"),
        "未评估": ("未参评", "无", "未评", "未评级", "-"),
    },
    ("social_orgs", "credit_status"): {
        "正常": ("良好", "守信", "无"),
        "活动异常名录": ("异常", "活动异常", "异常名录", "列入活动异常名录"),
        "严重违法失信": ("严重失信", "失信", "严重违法失信名单", "列入严重违法失信名单"),
    },
    ("social_orgs", "status"): {
        "正常": ("登记", "存续", "正常登记", "成立", "已登记"),
        "已注销": ("注销",),
        "已撤销": ("撤销", "撤销登记"),
    },
    ("typhoons", "response_level"): {
        "Ⅰ": ("I", "1", "一级", "Ⅰ级", "I级", "1级"),
        "Ⅱ": ("II", "2", "二级", "Ⅱ级", "II级", "2级"),
        "Ⅲ": ("III", "3", "三级", "Ⅲ级", "III级", "3级"),
        "Ⅳ": ("IV", "4", "四级", "Ⅳ级", "IV级", "4级"),
    },
    ("shelters", "level"): {
        "县级": ("县", "市级", "区级", "县(市)级"),
        "乡镇级": ("乡镇", "镇级", "街道级", "乡级"),
        "村级": ("村", "社区级", "村(社区)级"),
    },
    ("evacuations", "category"): {
        "危旧房": ("危房", "危旧房屋", "D级危房", "C级危房"),
        "低洼易涝": ("低洼", "低洼地", "低洼易涝区", "易涝"),
        "工棚临房": ("工棚", "临时工棚", "工地", "建筑工地", "临时房", "临房", "工棚临时房"),
        "渔船渔排": ("渔船", "渔排", "渔民", "渔船渔排人员", "海上作业"),
        "地质灾害隐患点": ("地质灾害", "地灾隐患点", "地灾"),
        "景区游客": ("游客", "景区"),
    },
    ("evacuations", "placement"): {
        "集中安置": ("集中", "安置点安置", "避灾点安置"),
        "投亲靠友": ("投亲", "分散安置", "自行安置", "亲友"),
    },
    ("evacuations", "status"): {
        "待转移": ("未转移", "待转", "应转未转"),
        "已转移": ("转移", "已安置", "转移完成"),
        "已返回": ("返回", "已回家", "已返家", "已撤离返回"),
        "拒绝转移": ("拒绝", "拒不转移", "拒转"),
    },
    # CMA best-track grade digits (0 weaker than TD/unknown, 9 extratropical) and the
    # English abbreviations
    ("typhoon_tracks", "grade"): {
        "热带低压": ("1", "TD", "Tropical Depression"),
        "热带风暴": ("2", "TS", "Tropical Storm"),
        "强热带风暴": ("3", "STS", "Severe Tropical Storm"),
        "台风": ("4", "TY", "Typhoon"),
        "强台风": ("5", "STY", "Severe Typhoon"),
        "超强台风": ("6", "SuperTY", "Super TY", "Super Typhoon"),
        "其他": ("0", "9", "变性", "温带气旋", "ET", "弱于热带低压"),
    },
}

_ENUM_SUFFIX = "(纠纷|类|案件|级)$"


def enum_lookup(dataset: str, column: Column) -> dict[str, str]:
    """Upper-case cleaned text → canonical value."""
    out: dict[str, str] = {}
    for value in column.vocab:
        out[value.upper()] = value
    for canonical, words in ENUM_SYNONYMS.get((dataset, column.name), {}).items():
        for w in words:
            out.setdefault(_py_clean(w).upper(), canonical)
    return out


def _py_clean(s: str) -> str:
    return s.translate(str.maketrans(_FW_FROM, _FW_TO)).strip(_TRIM)


def enum_expr(dataset: str, column: Column, v: str) -> str:
    """Canonical value, or NULL when the text is not recognised (see ``enum_final``).

    The site's vocabulary mapping (``vocab.toml``, see ``vocab.py``) comes first: its exact
    values, then its wildcard ones; then the vocabulary and the built-in synonyms."""
    from command_center.ingest import vocab

    lookup = enum_lookup(dataset, column)
    site, patterns = vocab.lookups(dataset, column.name)
    u = f"upper({v})"

    def case(x: str, table: dict[str, str]) -> str:
        if not table:
            return "cast(null as varchar)"
        whens = " ".join(f"when {q(k)} then {q(val)}" for k, val in table.items())
        return f"case {x} {whens} end"

    # only a value ending in a suffix is looked up again without it: unguarded, DuckDB would
    # strip every cell (the CASE repeats its operand, so the stripping is computed once for
    # all rows, before the lookups), which cost more than the lookups themselves
    stripped = f"regexp_replace({u}, {q(_ENUM_SUFFIX)}, '')"
    parts = [case(u, site)] if site else []
    if patterns:
        parts.append("case " + " ".join(f"when {u} like {q(p)} escape '\\' then {q(val)}"
                                        for p, val in patterns) + " end")
    parts += [case(u, lookup),
              f"case when regexp_matches({u}, {q(_ENUM_SUFFIX)}) then {case(stripped, lookup)} end"]
    return f"coalesce({', '.join(parts)})"


def enum_final(column: Column, parsed: str, cleaned: str) -> str:
    if "其他" in column.vocab:
        return f"case when {parsed} is not null then {parsed} when {cleaned} is not null then '其他' end"
    return parsed
