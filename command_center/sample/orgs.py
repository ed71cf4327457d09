"""Registered social organizations (社会组织) of the county.

Calibration (DOMAIN.md "Social organizations"):
  * 550 organizations: Zhejiang 2020 had 71,256 (社团 25,856 / 民非 44,573 / 基金会 827),
    i.e. about 500–550 for 龙港 (est.); legal forms in the Zhejiang proportion 36 / 63 / 1 %
    → 198 社会团体, 346 社会服务机构, 6 基金会.
  * categories: 城乡社区服务 186, 文体 100, 公益慈善 76, 行业协会商会 62, 其他 61, 调解 38
    (brand rooms such as 古鳌大妈调解室 / 鹤城大姐调解室, industry mediation centres, community
    mediation studios), 科技 15, 应急救援 12.
  * 统一社会信用代码: 18 characters, "5" (civil affairs) + legal-form digit (1 社团, 2 民非,
    3 基金会) + "330383" + the 9-character organization code ("MJ" + 6 digits + GB 11714
    check) + the GB 32100 check character; unique.
  * rating: 未评估 for about three quarters (and always for organizations under two years
    old), otherwise mostly 3A/4A, few 5A/2A/1A.
  * credit: 正常 ≈ 96.5 %, 活动异常名录 ≈ 3 %, 严重违法失信 ≈ 0.5 % (with 列入名录日期).
  * registered_on from 2000 to ``end`` (most after 龙港 became a city in Sept. 2019);
    status mostly 正常, ≈ 5 % 已注销, the seriously discredited 已撤销.
  * is_party_alliance ≈ 20 % (党建联盟, 12 alliances in Wenzhou).
All names are invented samples built from common naming patterns.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa

from command_center.sample import calendar as cal
from command_center.sample.draws import lognormal, pick, rng_for
from command_center.sample.geo import Communities
from command_center.sample.names import addresses, community_roads

COUNTY = "龙港市"
REGION_CODE = "330383"
LEGAL_FORM_DIGIT = {"社会团体": "1", "社会服务机构": "2", "基金会": "3"}
CITY_FOUNDED = dt.date(2019, 9, 25)

USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
ORGCODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)

# Brand mediation rooms (品牌调解室); the first two are the brands named in DOMAIN.md.
BRAND_ROOMS = ("古鳌大妈调解室", "鹤城大姐调解室", "老杨调解室", "港城和事佬调解室",
               "阿嫂调解工作室", "老兵调解工作室", "红枫调解室", "江畔调解室")
# Industry mediation organizations and the dispute types they take.
INDUSTRY_MEDIATORS = (
    ("社会服务机构", "道路交通事故纠纷调解中心", ("道路交通事故",)),
    ("社会服务机构", "医疗纠纷调解服务中心", ("医疗",)),
    ("社会服务机构", "劳动争议调解服务中心", ("劳动争议",)),
    ("社会服务机构", "物业纠纷调解服务中心", ("物业",)),
    ("社会团体", "消费纠纷调解协会", ("消费",)),
    ("社会服务机构", "婚姻家庭纠纷调解服务中心", ("婚姻家庭",)),
    ("社会服务机构", "商事纠纷调解中心", ("合同", "生产经营")),
    ("社会团体", "印刷行业纠纷调解协会", ("合同", "生产经营")),
    ("社会团体", "礼品行业纠纷调解协会", ("合同", "生产经营")),
    ("社会服务机构", "土地房屋纠纷调解服务中心", ("房屋宅基地", "征地拆迁", "山林土地")),
    ("社会服务机构", "环境纠纷调解服务中心", ("环境污染",)),
    ("社会服务机构", "损害赔偿纠纷调解服务中心", ("损害赔偿",)),
)
OTHER_MEDIATION_SOCIETIES = ("人民调解协会", "和谐促进会", "人民调解员协会", "律师调解协会",
                             "劳动关系协调协会", "商会商事调解协会")
COMMUNITY_MEDIATION = ("和事佬调解工作室", "老娘舅调解工作室", "邻里调解工作室")

_INDUSTRIES = (
    "印刷", "包装", "礼品", "纸制品", "塑料制品", "无纺布", "电子商务", "物流", "餐饮", "建筑业",
    "房地产", "汽车维修", "家具", "服装", "食品", "个体劳动者", "小微企业", "民营企业",
    "软件和信息服务", "直播电商", "农业", "水产", "渔业", "旅游", "装饰装修", "广告", "美容美发",
    "五金机电", "新材料", "印刷机械", "标识标牌", "烘焙", "酒店", "物业管理", "家政服务",
    "交通运输", "驾驶员培训", "模具", "文具", "眼镜",
)
_ORIGINS = ("江西", "安徽", "四川", "贵州", "湖南", "湖北", "河南", "福建", "重庆", "云南",
            "广西", "江苏", "山东", "平阳", "瑞安", "苍南", "泰顺", "文成", "永嘉", "乐清")
_SPORTS_ARTS = (
    "篮球", "足球", "乒乓球", "羽毛球", "网球", "门球", "游泳", "围棋", "象棋", "桥牌", "太极拳",
    "登山", "自行车", "钓鱼", "龙舟", "跆拳道", "武术", "健身气功", "排舞", "广场舞", "瑜伽",
    "马拉松", "老年体育", "气排球", "台球", "电子竞技", "轮滑", "街舞", "飞镖", "风筝", "徒步",
    "户外运动", "水上运动", "书法家", "美术家", "摄影家", "音乐家", "作家", "戏剧家", "舞蹈家",
    "曲艺家", "民间文艺家", "收藏家", "楹联", "诗词", "越剧", "瓯剧", "鼓词", "剪纸", "朗诵",
    "合唱", "民乐", "京剧票友", "书画", "健美操", "柔力球", "空竹", "木偶戏",
)
_CHARITY_SOCIETIES = (
    "慈善总会", "义工联合会", "志愿者协会", "爱心协会", "助残协会", "老年人协会", "青年志愿者协会",
    "巾帼志愿者协会", "心理咨询师协会", "助学会", "扶贫济困协会", "献血志愿者协会", "平安志愿者协会",
    "爱心妈妈协会", "关爱留守儿童协会", "阳光助残协会",
)
_SCIENCE = ("医学会", "护理学会", "农学会", "计算机学会", "电子商务学会", "印刷技术学会", "气象学会",
            "水利学会", "教育学会", "心理学会", "土木建筑学会", "药学会", "中医药学会", "标准化协会",
            "知识产权协会", "青少年科技教育协会")
_RESCUE_SOCIETIES = ("应急救援协会", "水上救援协会", "无线电运动协会", "海上搜救志愿者协会",
                     "防灾减灾协会", "户外救援协会")
_RESCUE_CENTRES = ("蓝天救援队", "公羊救援队", "曙光应急救援服务中心", "红十字水上救援队",
                   "应急救援志愿服务中心", "海豚水上救援服务中心")
_OTHER_SOCIETIES = ("退役军人服务协会", "企业家联合会", "外来建设者协会", "新居民协会", "家庭教育研究会",
                    "法学会", "归国华侨联谊会")
_WORDS = ("暖心", "同心", "阳光", "善行", "益心", "仁爱", "和美", "乐龄", "启航", "馨家园", "春晖",
          "向阳", "明德", "红枫", "港湾", "睦邻", "彩虹", "晨曦", "知行", "心桥", "众益", "悦邻",
          "安馨", "百合", "和睦", "新港", "欣悦", "家和", "康乐", "橙心", "海韵", "星辰", "龙腾",
          "飞跃", "启明", "星火", "海鹰", "翰墨", "金色童年", "小太阳", "育才", "博雅", "蓝海",
          "鸿鹄", "青禾", "聚贤", "德润", "恒爱", "惠民", "立德")
_SCIENCE_CENTRES = ("印刷包装技术服务中心", "科技创新服务中心", "青少年科技活动中心")
_FOUNDATIONS = ("教育发展基金会", "见义勇为基金会", "乡贤公益基金会", "慈善助学基金会",
                "红十字博爱基金会", "关爱老人基金会")


@dataclass
class Orgs:
    table: pa.Table
    # mediation organizations (category 调解, status 正常) by role, as row indices
    brand_rooms: list[int] = field(default_factory=list)
    industry: dict[str, list[int]] = field(default_factory=dict)  # dispute type → rows
    general: list[int] = field(default_factory=list)  # community/people's mediation
    ids: np.ndarray | None = None
    comm: np.ndarray | None = None


def orgcode_check(body: str) -> str:
    total = sum(int(ch, 36) * w for ch, w in zip(body, ORGCODE_WEIGHTS, strict=True))
    c = 11 - total % 11
    return "X" if c == 10 else "0" if c == 11 else str(c)


def uscc_check(first17: str) -> str:
    total = sum(USCC_CHARS.index(ch) * w for ch, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_CHARS[(31 - total % 31) % 31]


def credit_code(legal_form: str, serial: int) -> str:
    body = f"MJ{serial:06d}"
    first17 = "5" + LEGAL_FORM_DIGIT[legal_form] + REGION_CODE + body + orgcode_check(body)
    return first17 + uscc_check(first17)


def _families(geo: Communities):
    """(legal form, category, count, candidate names, role) in a fixed order."""
    cn = [str(n) for n in geo.names]

    def c(names, suffix):
        return [f"{COUNTY}{n}{suffix}" for n in names]

    return [
        ("社会团体", "行业协会商会", 62,
         c(_INDUSTRIES, "行业协会") + c(_ORIGINS, "商会") +
         c(("女企业家协会", "青年企业家协会", "企业联合会", "个体私营企业协会"), ""), None),
        ("社会团体", "文体", 55, c(_SPORTS_ARTS, "协会"), None),
        ("社会团体", "公益慈善", 30, c(_CHARITY_SOCIETIES, "") + c(cn, "老年协会"), None),
        ("社会团体", "科技", 12, c(_SCIENCE, ""), None),
        ("社会团体", "应急救援", 6, c(_RESCUE_SOCIETIES, ""), None),
        ("社会团体", "调解", 3, c([n for f, n, _ in INDUSTRY_MEDIATORS if f == "社会团体"], ""),
         "industry"),
        ("社会团体", "调解", 5, c(OTHER_MEDIATION_SOCIETIES, ""), "general"),
        ("社会团体", "城乡社区服务", 20, c(cn, "社会组织联合会"), None),
        ("社会团体", "其他", 5, c(_OTHER_SOCIETIES, ""), None),
        ("社会服务机构", "城乡社区服务", 166,
         c(cn, "居家养老服务中心") + c(_WORDS, "社会工作服务中心") + c(cn, "邻里服务中心"), None),
        ("社会服务机构", "调解", 8, c(BRAND_ROOMS, ""), "brand"),
        ("社会服务机构", "调解", 9,
         c([n for f, n, _ in INDUSTRY_MEDIATORS if f == "社会服务机构"], ""), "industry"),
        ("社会服务机构", "调解", 13,
         [f"{COUNTY}{n}{s}" for n in cn for s in COMMUNITY_MEDIATION], "general"),
        ("社会服务机构", "文体", 45,
         c(_WORDS, "体育俱乐部") + c(_WORDS, "艺术培训学校") + c(_WORDS, "文化艺术团"), None),
        ("社会服务机构", "公益慈善", 40, c(_WORDS, "公益服务中心") + c(_WORDS, "爱心驿站"), None),
        ("社会服务机构", "应急救援", 6, c(_RESCUE_CENTRES, ""), None),
        ("社会服务机构", "科技", 3, c(_SCIENCE_CENTRES, ""), None),
        ("社会服务机构", "其他", 56,
         c(_WORDS, "幼儿园") + c(_WORDS, "培训学校") + c(_WORDS, "康复中心") + c(_WORDS, "托育中心"),
         None),
        ("基金会", "公益慈善", 6, c(_FOUNDATIONS, ""), None),
    ]


def _community_of(name: str, geo: Communities) -> int | None:
    for k, cname in enumerate(geo.names):
        if str(cname) in name:
            return k
    return None


def generate(geo: Communities, end: dt.date, seed: int) -> Orgs:
    rng = rng_for(seed, "social_orgs")
    start, _ = cal.window(end)
    rows: list[dict] = []
    used: set[str] = set()
    for legal_form, category, count, candidates, role in _families(geo):
        candidates = [n for n in dict.fromkeys(candidates) if n not in used]
        if role in ("brand", "industry"):
            chosen = candidates[:count]  # every brand room / industry centre exists
        else:
            chosen = [candidates[i] for i in sorted(rng.permutation(len(candidates))[:count])]
        for name in chosen:
            used.add(name)
            rows.append({"org_name": name, "legal_form": legal_form, "category": category,
                         "role": role})
    n = len(rows)
    pop_w = geo.population + 0.5 * geo.floating
    comm = np.array([
        k if (k := _community_of(r["org_name"], geo)) is not None else -1 for r in rows])
    free = comm < 0
    comm[free] = pick(rng, int(free.sum()), pop_w)

    # registration dates
    d_min, d_city, d_end = (np.datetime64(dt.date(2000, 1, 1)), np.datetime64(CITY_FOUNDED),
                            np.datetime64(end))
    early = rng.random(n) < 0.32
    span_early = (d_city - d_min).astype(int)
    span_late = (d_end - d_city).astype(int) + 1
    reg = np.where(early, d_min + (rng.random(n) ** 0.7 * span_early).astype(int),
                   d_city + (rng.random(n) ** 1.3 * span_late).astype(int))
    is_mediation = np.array([r["category"] == "调解" for r in rows])
    med_latest = np.datetime64(start) - 60
    med_span = (med_latest - np.datetime64(dt.date(2005, 1, 1))).astype(int)
    reg = np.where(is_mediation,
                   np.datetime64(dt.date(2005, 1, 1)) + (rng.random(n) * med_span).astype(int),
                   reg).astype("datetime64[D]")

    # credit codes: unique serials
    serials = rng.choice(1_000_000, size=n, replace=False)
    ids = np.array([credit_code(r["legal_form"], int(s)) for r, s in zip(rows, serials,
                                                                          strict=True)])

    # rating
    age_days = (d_end - reg).astype(int)
    rating_pool = np.array(["5A", "4A", "3A", "2A", "1A", "未评估"], dtype=object)
    rating = rating_pool[pick(rng, n, [4, 9, 14, 3, 0.7, 69.3])]
    rating[age_days < 730] = "未评估"

    # credit status (never on a mediation or rescue organization)
    credit = np.full(n, "正常", dtype=object)
    listed = np.full(n, np.datetime64("NaT"), dtype="datetime64[D]")
    eligible = np.flatnonzero(~is_mediation & np.array([r["category"] != "应急救援" for r in rows])
                              & (age_days > 400))
    n_abnormal = round(0.03 * n)
    n_serious = max(1, round(0.005 * n))
    picked = rng.choice(eligible, size=n_abnormal + n_serious, replace=False)
    credit[picked[:n_abnormal]] = "活动异常名录"
    credit[picked[n_abnormal:]] = "严重违法失信"
    lo = np.maximum(reg[picked] + 365, d_end - 3 * 365)
    listed[picked] = lo + (rng.random(len(picked)) * ((d_end - lo).astype(int) + 1)).astype(int)
    rating[picked] = "未评估"

    status = np.full(n, "正常", dtype=object)
    cancel = (rng.random(n) < 0.055) & ~is_mediation & (credit == "正常") & (age_days > 365)
    status[cancel] = "已注销"
    serious = np.flatnonzero(credit == "严重违法失信")
    status[serious[: max(1, (2 * len(serious)) // 3)]] = "已撤销"

    forms = np.array([r["legal_form"] for r in rows])
    cats = np.array([r["category"] for r in rows])
    staff_median = np.select([forms == "社会服务机构", forms == "基金会"], [6.0, 2.0], 2.0)
    staff = np.clip(np.round(lognormal(rng, staff_median, 0.6)), 0, 60).astype(np.int64)
    staff = np.where(forms == "社会服务机构", np.maximum(staff, 1), staff)
    vol_median = np.select(
        [cats == "应急救援", cats == "公益慈善", cats == "城乡社区服务", cats == "行业协会商会",
         cats == "调解"], [120.0, 60.0, 30.0, 3.0, 12.0], 15.0)
    volunteers = np.clip(np.round(lognormal(rng, vol_median, 0.9)), 0, 2000).astype(np.int64)
    staff[status != "正常"] = 0
    volunteers[status != "正常"] = 0
    alliance = (rng.random(n) < 0.21) & (status == "正常")

    lon, lat = geo.sample(comm, rng)
    roads = community_roads(rng, geo.n)
    addr = addresses(rng, comm, geo.names, roads)

    order = np.lexsort((ids, reg))
    table = pa.table({
        "org_id": pa.array(ids[order].tolist(), pa.string()),
        "org_name": pa.array([rows[i]["org_name"] for i in order], pa.string()),
        "legal_form": pa.array(forms[order].tolist(), pa.string()),
        "category": pa.array(cats[order].tolist(), pa.string()),
        "registered_on": pa.array(reg[order], pa.date32()),
        "rating": pa.array(rating[order].tolist(), pa.string()),
        "credit_status": pa.array(credit[order].tolist(), pa.string()),
        "credit_listed_on": pa.array(listed[order], pa.date32()),
        "staff_count": pa.array(staff[order], pa.int64()),
        "volunteer_count": pa.array(volunteers[order], pa.int64()),
        "is_party_alliance": pa.array(alliance[order], pa.bool_()),
        "status": pa.array(status[order].tolist(), pa.string()),
        "community_code": pa.array(geo.names[comm[order]].tolist(), pa.string()),
        "lon": pa.array(lon[order]),
        "lat": pa.array(lat[order]),
        "address": addr.take(pa.array(order)),
    })

    result = Orgs(table=table, ids=ids[order], comm=comm[order])
    position = np.empty(n, dtype=np.int64)
    position[order] = np.arange(n)
    for i, r in enumerate(rows):
        if r["role"] == "brand":
            result.brand_rooms.append(int(position[i]))
        elif r["role"] == "general":
            result.general.append(int(position[i]))
        elif r["role"] == "industry":
            short = r["org_name"].removeprefix(COUNTY)
            for _, mname, types in INDUSTRY_MEDIATORS:
                if mname == short:
                    for t in types:
                        result.industry.setdefault(t, []).append(int(position[i]))
    return result
