"""Canonical datasets: warehouse columns, their Chinese export headers and header synonyms.

This module is the single contract between the exports (what the source systems write, and
what ``command_center.sample`` imitates), the ingest (which maps headers back to columns) and
the warehouse (whose tables have exactly these columns, in this order). Page labels for the
columns also come from here (``label``), so a column is named the same way everywhere.

Types are DuckDB types. ``kind`` drives parsing at ingest time:
  id        text key, trimmed, full-width digits folded
  text      free text, trimmed
  enum      text with a closed vocabulary (``vocab``); synonyms mapped, unknown kept as 其他
  timestamp local time (Asia/Shanghai), many written forms accepted
  date      local date, many written forms accepted
  int/float numbers, full-width digits and thousands separators accepted
  bool      是/否, Y/N, 1/0, true/false
  community community code or name, resolved against the communities table
  lon/lat   coordinates in the file's declared system, converted to WGS-84
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    kind: str
    header: str  # canonical Chinese header written by `sample`
    synonyms: tuple[str, ...] = ()
    required: bool = False
    vocab: tuple[str, ...] = ()
    personal: bool = False  # masked unless the viewer's role allows it
    # plausibility: (low, high) for numbers, ISO dates or "now" (+ days, e.g. "now+3650") for
    # times; a value outside it (or a fraction in an int column) quarantines the row when
    # ``strict``, else the value is set empty with a warning. See ingest/validate.py.
    valid: tuple | None = None
    strict: bool = False

    @property
    def headers(self) -> tuple[str, ...]:
        return (self.header, *self.synonyms)


@dataclass(frozen=True)
class Dataset:
    name: str
    title: str  # Chinese name shown to people
    key: str
    columns: tuple[Column, ...]
    sample_file: str  # file name written by `sample` (extension gives the format)
    sample_encoding: str = "utf-8-sig"
    newest_record: str | None = None  # the column whose latest value dates the data (数据管理)
    extra: dict = field(default_factory=dict)

    @property
    def table(self) -> str:
        return self.name

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]


# ---------------------------------------------------------------- vocabularies
INCIDENT_SOURCES = ("110", "12345", "网格巡查", "随手拍", "物联感知", "其他")
INCIDENT_CATEGORIES = {
    "刑事": ("盗窃", "诈骗", "电信网络诈骗", "抢劫", "伤害"),
    "治安": ("打架斗殴", "治安纠纷", "扰乱秩序", "家庭暴力", "赌博"),
    "交通": ("交通事故", "交通违法", "肇事逃逸"),
    "消防救援": ("火灾", "抢险救援"),
    "群众求助": ("走失", "开锁", "溺水", "危急病人"),
    "纠纷": ("邻里纠纷", "家庭纠纷", "经济纠纷", "劳资纠纷"),
    "社会联动": ("城管", "劳动保障", "环保", "安全生产"),
    "灾害事故": ("自然灾害", "生产安全事故"),
    "其他": ("其他",),
}
INCIDENT_SEVERITIES = ("一般", "较大", "重大", "特别重大")
INCIDENT_STATUSES = ("待受理", "处置中", "已办结", "已退回")
SATISFACTION = ("满意", "基本满意", "不满意")

DISPUTE_TYPES = (
    "婚姻家庭", "邻里", "房屋宅基地", "合同", "生产经营", "损害赔偿", "山林土地", "征地拆迁",
    "环境污染", "劳动争议", "消费", "医疗", "道路交通事故", "物业", "其他",
)
DISPUTE_SOURCES = ("群众来访", "110转办", "12345转办", "网格排查", "法院委派", "部门移交", "其他")
MEDIATION_CHANNELS = ("人民调解", "行业专业调解", "品牌调解室", "警调联动", "诉调对接", "律师调解")
DISPUTE_STATUSES = ("已受理", "调处中", "调解成功", "调解不成功", "已转诉讼", "已撤回")
DISPUTE_CLOSED_STATUSES = ("调解成功", "调解不成功", "已转诉讼", "已撤回")
RISK_LEVELS = ("红", "橙", "黄", "蓝")

ORG_LEGAL_FORMS = ("社会团体", "社会服务机构", "基金会")
ORG_CATEGORIES = ("公益慈善", "城乡社区服务", "行业协会商会", "科技", "文体", "调解", "应急救援", "其他")
ORG_RATINGS = ("5A", "4A", "3A", "2A", "1A", "未评估")
ORG_CREDIT = ("正常", "活动异常名录", "严重违法失信")
ORG_STATUSES = ("正常", "已注销", "已撤销")

RESPONSE_LEVELS = ("Ⅰ", "Ⅱ", "Ⅲ", "Ⅳ")
SHELTER_LEVELS = ("县级", "乡镇级", "村级")
EVACUATION_CATEGORIES = ("危旧房", "低洼易涝", "工棚临房", "渔船渔排", "地质灾害隐患点", "景区游客", "其他")
PLACEMENTS = ("集中安置", "投亲靠友")
EVACUATION_STATUSES = ("待转移", "已转移", "已返回", "拒绝转移")

PATROL_TEAM_KINDS = ("社区乐巡", "家长护校", "社会组织", "企业")
PATROL_TYPES = ("巡逻", "护校", "反诈宣传", "助疫", "其他")
PATROL_STATUSES = ("待开始", "进行中", "已完成", "已取消")
TYPHOON_GRADES = ("热带低压", "热带风暴", "强热带风暴", "台风", "强台风", "超强台风", "其他")


def _c(name, type_, kind, header, *synonyms, required=False, vocab=(), personal=False,
       valid=None, strict=False):
    if valid is None and kind == "timestamp":
        valid = ("2000-01-01", "now")
    return Column(name, type_, kind, header, tuple(synonyms), required, tuple(vocab), personal,
                  valid, strict or (required and kind in ("timestamp", "date")))


_LON = _c("lon", "DOUBLE", "lon", "经度", "X坐标", "lng", "longitude", "经度(WGS84)")
_LAT = _c("lat", "DOUBLE", "lat", "纬度", "Y坐标", "latitude", "纬度(WGS84)")

COMMUNITIES = Dataset(
    name="communities",
    title="社区",
    key="community_code",
    sample_file="communities.csv",
    columns=(
        _c("community_code", "VARCHAR", "id", "社区编码", "社区代码", "区划代码", "统计用区划代码",
           required=True),
        _c("community_name", "VARCHAR", "text", "社区名称", "社区", "名称", required=True),
        _c("area_name", "VARCHAR", "text", "所属片区", "片区"),
        _c("population", "INTEGER", "int", "户籍人口", "常住人口", "人口", valid=(0, 1_000_000)),
        _c("floating_population", "INTEGER", "int", "流动人口", valid=(0, 1_000_000)),
        _c("households", "INTEGER", "int", "户数", "户籍户数", valid=(0, 500_000)),
        _c("grid_count", "INTEGER", "int", "网格数", "网格数量", valid=(0, 1_000)),
        _c("centroid_lon", "DOUBLE", "lon", "中心经度", "经度"),
        _c("centroid_lat", "DOUBLE", "lat", "中心纬度", "纬度"),
    ),
)

INCIDENTS = Dataset(
    name="incidents",
    title="警情事件",
    key="incident_id",
    sample_file="incidents.csv",
    newest_record="reported_at",
    columns=(
        _c("incident_id", "VARCHAR", "id", "事件编号", "警情编号", "接警单编号", "编号", required=True),
        _c("reported_at", "TIMESTAMP", "timestamp", "上报时间", "报警时间", "接警时间", "发生时间",
           required=True),
        _c("source", "VARCHAR", "enum", "事件来源", "来源", "报警方式", vocab=INCIDENT_SOURCES),
        _c("category", "VARCHAR", "enum", "事件类别", "警情类别", "大类", "类别",
           vocab=tuple(INCIDENT_CATEGORIES)),
        _c("subcategory", "VARCHAR", "text", "事件细类", "警情细类", "细类", "小类"),
        _c("severity", "VARCHAR", "enum", "事件等级", "警情级别", "等级", vocab=INCIDENT_SEVERITIES),
        _c("status", "VARCHAR", "enum", "处置状态", "办理状态", "状态", vocab=INCIDENT_STATUSES),
        _c("closed_at", "TIMESTAMP", "timestamp", "办结时间", "结案时间"),
        _c("community_code", "VARCHAR", "community", "所属社区", "社区", "管辖社区", "社区编码"),
        _LON,
        _LAT,
        _c("address", "VARCHAR", "text", "事发地址", "案发地址", "地址"),
        _c("summary", "VARCHAR", "text", "事件描述", "报警内容", "简要案情"),
        _c("reporter_name", "VARCHAR", "text", "上报人", "报警人", personal=True),
        _c("reporter_phone", "VARCHAR", "text", "联系电话", "报警电话", personal=True),
        _c("satisfaction", "VARCHAR", "enum", "满意度", "回访满意度", vocab=SATISFACTION),
    ),
)

DISPUTES = Dataset(
    name="disputes",
    title="矛盾纠纷",
    key="dispute_id",
    sample_file="disputes.csv",
    newest_record="received_at",
    sample_encoding="gbk",
    columns=(
        _c("dispute_id", "VARCHAR", "id", "纠纷编号", "案件编号", "编号", required=True),
        _c("received_at", "TIMESTAMP", "timestamp", "受理时间", "登记时间", required=True),
        _c("dispute_type", "VARCHAR", "enum", "纠纷类型", "纠纷类别", vocab=DISPUTE_TYPES),
        _c("source", "VARCHAR", "enum", "纠纷来源", "来源", vocab=DISPUTE_SOURCES),
        _c("community_code", "VARCHAR", "community", "所属社区", "社区", "管辖社区"),
        _c("mediation_channel", "VARCHAR", "enum", "调解方式", "调处渠道", vocab=MEDIATION_CHANNELS),
        _c("mediator_org_id", "VARCHAR", "org", "调解组织", "调解机构", "调解组织代码"),
        _c("status", "VARCHAR", "enum", "办理状态", "调处结果", "状态", vocab=DISPUTE_STATUSES),
        _c("deadline_on", "DATE", "date", "化解时限", "办理期限", valid=("2000-01-01", "now+3650")),
        _c("closed_at", "TIMESTAMP", "timestamp", "结案时间", "办结时间"),
        _c("amount_yuan", "DOUBLE", "float", "涉及金额(元)", "涉及金额", "标的额(元)", "标的额",
           valid=(0, 100_000_000_000)),
        _c("parties_count", "INTEGER", "int", "当事人数", "涉及人数", valid=(1, 10_000)),
        _c("risk_level", "VARCHAR", "enum", "风险等级", "风险级别", vocab=RISK_LEVELS),
        _c("party_names", "VARCHAR", "text", "当事人", "当事人姓名", personal=True),
        _LON,
        _LAT,
    ),
)

SOCIAL_ORGS = Dataset(
    name="social_orgs",
    title="社会组织",
    key="org_id",
    sample_file="social_orgs.xlsx",
    newest_record="registered_on",
    columns=(
        _c("org_id", "VARCHAR", "id", "统一社会信用代码", "信用代码", "组织代码", required=True),
        _c("org_name", "VARCHAR", "text", "组织名称", "社会组织名称", "名称", required=True),
        _c("legal_form", "VARCHAR", "enum", "组织类型", "登记类型", "法人类型", vocab=ORG_LEGAL_FORMS),
        _c("category", "VARCHAR", "enum", "业务类别", "行业分类", "类别", vocab=ORG_CATEGORIES),
        _c("registered_on", "DATE", "date", "成立登记日期", "登记日期", "成立日期",
           valid=("1949-10-01", "now")),
        _c("rating", "VARCHAR", "enum", "评估等级", "等级", vocab=ORG_RATINGS),
        _c("credit_status", "VARCHAR", "enum", "信用状态", "信用等级", vocab=ORG_CREDIT),
        _c("credit_listed_on", "DATE", "date", "列入名录日期", "列入日期", valid=("2000-01-01", "now")),
        _c("staff_count", "INTEGER", "int", "专职人员数", "从业人员数", "工作人员数",
           valid=(0, 100_000)),
        _c("volunteer_count", "INTEGER", "int", "志愿者数", "注册志愿者数", valid=(0, 1_000_000)),
        _c("is_party_alliance", "BOOLEAN", "bool", "是否党建联盟成员", "党建联盟"),
        _c("status", "VARCHAR", "enum", "登记状态", "状态", vocab=ORG_STATUSES),
        _c("community_code", "VARCHAR", "community", "所在社区", "所属社区", "社区"),
        _LON,
        _LAT,
        _c("address", "VARCHAR", "text", "住所", "地址", "办公地址"),
    ),
)

TYPHOONS = Dataset(
    name="typhoons",
    title="台风",
    key="typhoon_id",
    sample_file="typhoons.xlsx",
    newest_record="warning_start_at",
    columns=(
        _c("typhoon_id", "VARCHAR", "id", "台风编号", "编号", required=True),
        _c("name_cn", "VARCHAR", "text", "中文名", "台风名称", "名称", required=True),
        _c("name_en", "VARCHAR", "text", "英文名"),
        _c("warning_start_at", "TIMESTAMP", "timestamp", "预警开始时间", "应急响应启动时间",
           required=True, valid=("1949-01-01", "now")),
        _c("warning_end_at", "TIMESTAMP", "timestamp", "预警结束时间", "应急响应解除时间",
           valid=("1949-01-01", "now+30")),
        _c("response_level", "VARCHAR", "enum", "应急响应等级", "响应等级", vocab=RESPONSE_LEVELS),
        _c("landfall_at", "TIMESTAMP", "timestamp", "登陆时间", valid=("1949-01-01", "now")),
    ),
)

SHELTERS = Dataset(
    name="shelters",
    title="避灾安置场所",
    key="shelter_id",
    sample_file="shelters.xlsx",
    columns=(
        _c("shelter_id", "VARCHAR", "id", "场所编号", "安置点编号", "编号", required=True),
        _c("shelter_name", "VARCHAR", "text", "场所名称", "安置点名称", "名称", required=True),
        _c("level", "VARCHAR", "enum", "场所等级", "级别", vocab=SHELTER_LEVELS),
        _c("capacity", "INTEGER", "int", "容纳人数", "可容纳人数", "收容人数", "容量",
           valid=(0, 100_000)),
        _c("host_type", "VARCHAR", "text", "场所类型", "依托单位类型"),
        _c("community_code", "VARCHAR", "community", "所在社区", "所属社区", "社区"),
        _LON,
        _LAT,
        _c("address", "VARCHAR", "text", "地址", "场所地址"),
    ),
)

EVACUATIONS = Dataset(
    name="evacuations",
    title="防台转移",
    key="record_id",
    sample_file="evacuations.csv",
    newest_record="notified_at",
    sample_encoding="gbk",
    columns=(
        _c("record_id", "VARCHAR", "id", "转移记录编号", "记录编号", "编号", required=True),
        _c("typhoon_id", "VARCHAR", "id", "台风编号", required=True),
        _c("category", "VARCHAR", "enum", "转移类别", "人员类别", vocab=EVACUATION_CATEGORIES),
        _c("person_count", "INTEGER", "int", "转移人数", "人数", valid=(1, 10_000), strict=True),
        _c("community_code", "VARCHAR", "community", "所属社区", "社区"),
        _c("planned_shelter_id", "VARCHAR", "id", "计划安置点编号", "安置点编号"),
        _c("placement", "VARCHAR", "enum", "安置方式", vocab=PLACEMENTS),
        _c("status", "VARCHAR", "enum", "转移状态", "状态", vocab=EVACUATION_STATUSES),
        _c("notified_at", "TIMESTAMP", "timestamp", "通知时间"),
        _c("transferred_at", "TIMESTAMP", "timestamp", "转移时间"),
        _c("returned_at", "TIMESTAMP", "timestamp", "返回时间"),
        _c("contact_name", "VARCHAR", "text", "联系人", "户主姓名", personal=True),
        _c("contact_phone", "VARCHAR", "text", "联系电话", personal=True),
        _LON,
        _LAT,
    ),
)

PATROL_TEAMS = Dataset(
    name="patrol_teams",
    title="平安乐巡队伍",
    key="team_id",
    sample_file="patrol_teams.xlsx",
    newest_record="founded_on",
    columns=(
        _c("team_id", "VARCHAR", "id", "队伍编号", "团队编号", "编号", required=True),
        _c("team_name", "VARCHAR", "text", "队伍名称", "团队名称", "名称", required=True),
        _c("kind", "VARCHAR", "enum", "队伍类型", "团队类型", "类型", vocab=PATROL_TEAM_KINDS),
        _c("community_code", "VARCHAR", "community", "所属社区", "所在社区", "社区"),
        _c("member_count", "INTEGER", "int", "队员人数", "成员数", "注册人数", valid=(1, 20_000)),
        _c("founded_on", "DATE", "date", "成立日期", "组建日期", valid=("2000-01-01", "now")),
    ),
)

PATROLS = Dataset(
    name="patrols",
    title="平安乐巡",
    key="task_id",
    sample_file="patrols.csv",
    newest_record="planned_start_at",
    columns=(
        _c("task_id", "VARCHAR", "id", "任务编号", "巡逻任务编号", "编号", required=True),
        _c("team_id", "VARCHAR", "id", "队伍编号", "团队编号"),
        _c("patrol_type", "VARCHAR", "enum", "任务类型", "巡逻类型", "类型", vocab=PATROL_TYPES),
        _c("community_code", "VARCHAR", "community", "所属社区", "巡逻社区", "社区"),
        _c("planned_start_at", "TIMESTAMP", "timestamp", "计划开始时间", "任务开始时间",
           required=True, valid=("2000-01-01", "now+365")),
        _c("planned_end_at", "TIMESTAMP", "timestamp", "计划结束时间", "任务结束时间",
           valid=("2000-01-01", "now+365")),
        _c("started_at", "TIMESTAMP", "timestamp", "签到时间", "实际开始时间"),
        _c("ended_at", "TIMESTAMP", "timestamp", "签退时间", "实际结束时间"),
        _c("lon", "DOUBLE", "lon", "经度", "签到经度", "X坐标", "lng", "longitude"),
        _c("lat", "DOUBLE", "lat", "纬度", "签到纬度", "Y坐标", "latitude"),
        _c("participant_count", "INTEGER", "int", "参与人数", "参加人数", "人数",
           valid=(1, 500), strict=True),
        _c("points_awarded", "INTEGER", "int", "发放积分", "积分", valid=(0, 100_000)),
        _c("status", "VARCHAR", "enum", "任务状态", "状态", vocab=PATROL_STATUSES),
    ),
)

# Typhoon tracks (best-track points). Its points lie far outside the county: lat/lon are
# plain numbers (kind float, WGS-84 degrees), so the ingest neither converts them, checks them
# against the county nor places them in a community. The key is made at ingest from
# typhoon_id and observed_at (extra["key_from"]) when the file has no 路径点编号 column.
TYPHOON_TRACKS = Dataset(
    name="typhoon_tracks",
    title="台风路径",
    key="track_id",
    sample_file="typhoon_tracks.csv",
    newest_record="observed_at",
    extra={"key_from": ("typhoon_id", "observed_at")},
    columns=(
        _c("track_id", "VARCHAR", "id", "路径点编号"),
        _c("typhoon_id", "VARCHAR", "id", "台风编号", "编号", "国际编号", required=True),
        _c("observed_at", "TIMESTAMP", "timestamp", "时间", "观测时间", "日期时间",
           required=True, valid=("1949-01-01", "now+10")),
        _c("lat", "DOUBLE", "float", "纬度", "中心纬度", "latitude", valid=(-5.0, 70.0)),
        _c("lon", "DOUBLE", "float", "经度", "中心经度", "longitude", valid=(90.0, 200.0)),
        _c("pressure_hpa", "INTEGER", "int", "中心气压", "气压", "中心气压(hPa)",
           valid=(850, 1030)),
        _c("wind_ms", "DOUBLE", "float", "最大风速", "风速", "最大风速(m/s)", valid=(0.0, 100.0)),
        _c("grade", "VARCHAR", "enum", "强度等级", "等级", "强度", vocab=TYPHOON_GRADES),
    ),
)

# The registry of datasets, in build order: communities first (the other datasets resolve
# community names and check points against it), typhoons and shelters before the evacuations
# that name them; patrol teams before the patrols that name them. Everything that lists datasets reads it (build, import, 数据管理, freshness).
DATASETS: dict[str, Dataset] = {
    d.name: d
    for d in (COMMUNITIES, SOCIAL_ORGS, TYPHOONS, SHELTERS, INCIDENTS, DISPUTES, EVACUATIONS,
              PATROL_TEAMS, PATROLS, TYPHOON_TRACKS)
}
BUILD_ORDER = tuple(DATASETS)

# Columns every warehouse table carries besides the canonical ones.
#   location_is_approx: the point was missing and the community centroid was used
EXTRA_COLUMNS = (("location_is_approx", "BOOLEAN"),)

# Every enum column keeps its value as imported beside the canonical one (``<column>_raw``):
# another system's vocabulary (a city's 12345 categories, its sources, its status words) stays
# visible where it maps to 其他 or to nothing, and the vocabulary mapping (vocab.toml) can be
# applied later from the 数据管理 page. The first three were kept since schema version 3: they
# come first, so an upgraded warehouse has its columns in the same order as a new one.
_RAW_SINCE_3 = {"incidents": ("category", "source"), "disputes": ("dispute_type",)}
RAW_ENUM_COLUMNS: dict[str, tuple[str, ...]] = {
    name: tuple(dict.fromkeys([*_RAW_SINCE_3.get(name, ()),
                               *(c.name for c in ds.columns if c.kind == "enum")]))
    for name, ds in DATASETS.items() if any(c.kind == "enum" for c in ds.columns)
}


def raw_column(name: str) -> str:
    return f"{name}_raw"
