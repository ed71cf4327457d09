"""Incidents (警情/事件) from 110, 12345, grid patrols, 随手拍 and IoT sensors.

Calibration (DOMAIN.md "Incidents"):
  * ``incidents_per_year`` a year on average (default 80,000 ≈ 170 valid 警情 per 1,000
    residents a year in Zhejiang × 465k residents), from 1 January two years before ``end``'s
    year up to ``end`` 23:59 inclusive, or up to the moment the
    generator runs when that is earlier.
  * category mix (one city report): 刑事 6 %, 治安 14 %, 纠纷 17 %, 交通 22 %, 消防救援 2 %,
    群众求助 23 %, and the remaining 16 % as 社会联动 9 %, 其他 6 %, 灾害事故 1 %;
    subcategories from schema.INCIDENT_CATEGORIES with the weights below.
  * rhythm (calendar.py): evening peak 19–22 h, trough 3–6 h, traffic rush hours, Fri/Sat
    higher, summer +10 %, Spring Festival dip up to −35 %.
  * trend: 刑事 and 治安 fall about 8 % a year (so 同比 is meaningful), the rest is flat.
  * typhoons (typhoons.py) inside the window: 灾害事故 ×8, 消防救援 ×3 (抢险救援),
    群众求助 ×1.6, other categories ×0.75 while the warning lasts.
  * sources: 110 ≈ 68 % overall (刑事/治安/交通 almost all 110), 12345 ≈ 15 %, 网格巡查 ≈ 9 %,
    随手拍 ≈ 3 %, 物联感知 ≈ 2 % (smoke and water-level sensors), 其他 ≈ 2 %.
  * severity: 一般 ≈ 95 %, 较大 ≈ 4 %, 重大 ≈ 0.7 %, 特别重大 < 0.1 %.
  * handling: accepted after minutes (110) to about an hour (12345, 随手拍); handled in a
    lognormal time, median 1.5 h for 110 (days for 12345 work orders), so the overall median
    is a few hours with a long tail of days; 0.2 % long-running cases. Records older than a
    few days are almost all 已办结, 2 % 已退回; recent ones are 待受理 / 处置中.
  * satisfaction: asked for 80 % of closed cases: 满意 90 %, 基本满意 7.5 %, 不满意 2.5 %.
  * place: community by (population + ½ floating population) × hotness, with six hot spots
    (the three communities with the largest floating-population share, i.e. industrial areas,
    and three random ones standing for markets) 2.5–4× hotter; 60 % of points scatter around
    5 hot spots inside the community (σ 80–260 m), the rest uniform over it.
  * incident_id "JJ" + yyyymmdd + 6-digit sequence of the day.
Generated month by month (a generator per month) so memory stays flat at any scale.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from command_center.sample import calendar as cal
from command_center.sample import typhoons as ty
from command_center.sample.draws import lognormal, pick, pick_by_group, rng_for
from command_center.sample.geo import Anchors, Communities
from command_center.sample.names import addresses, community_roads, mobiles, person_names
from command_center.schema import INCIDENT_CATEGORIES, INCIDENT_SEVERITIES, INCIDENT_SOURCES

CATEGORY_SHARES = {"刑事": 6, "治安": 14, "交通": 22, "消防救援": 2, "群众求助": 23, "纠纷": 17,
                   "社会联动": 9, "灾害事故": 1, "其他": 6}
SUBCATEGORY_WEIGHTS = {
    "刑事": (45, 15, 30, 2, 8), "治安": (35, 30, 15, 12, 8), "交通": (70, 25, 5),
    "消防救援": (40, 60), "群众求助": (20, 45, 3, 32), "纠纷": (30, 25, 30, 15),
    "社会联动": (40, 20, 25, 15), "灾害事故": (50, 50), "其他": (1,),
}
# (110, 12345, 网格巡查, 随手拍, 物联感知, 其他)
SOURCE_MIX = {
    "刑事": (92, 5, 1, 0, 0, 2), "治安": (88, 6, 4, 1, 0, 1), "交通": (85, 5, 2, 5, 2, 1),
    "消防救援": (70, 5, 5, 2, 17, 1), "群众求助": (75, 22, 1, 0, 1, 1), "纠纷": (55, 25, 17, 1, 0, 2),
    "社会联动": (5, 45, 30, 15, 4, 1), "灾害事故": (40, 15, 20, 5, 18, 2), "其他": (40, 35, 10, 5, 2, 8),
}
# (一般, 较大, 重大, 特别重大)
SEVERITY_MIX = {"刑事": (88, 10, 1.8, 0.2), "消防救援": (85, 12, 2.7, 0.3),
                "灾害事故": (80, 15, 4.5, 0.5), "交通": (93, 6, 0.9, 0.1)}
SEVERITY_DEFAULT = (96.5, 3.1, 0.38, 0.02)
TREND_PER_YEAR = {"刑事": 0.92, "治安": 0.92}
TYPHOON_EFFECT = {"灾害事故": 8.0, "消防救援": 3.0, "群众求助": 1.6}
TYPHOON_OTHERS = 0.75
ACCEPT_MEDIAN_MIN = (3, 40, 20, 60, 5, 30)  # by source, as SOURCE_MIX
HANDLE_MEDIAN_H = (1.5, 30, 8, 24, 2, 12)
HANDLE_SIGMA = 1.2
CATEGORY_HANDLE_FACTOR = {"刑事": 2.0, "纠纷": 1.5}
LONG_RUNNING_SHARE = 0.002
RETURNED_SHARE = 0.02
SATISFACTION_ASKED = 0.8
SATISFACTION_MIX = (90, 7.5, 2.5)
ANONYMOUS_110 = 0.05
HOT_SPOTS = 6
CLUSTERED = 0.6

SUMMARIES = {
    "盗窃": ("报警人称停放在楼下的电动车被盗", "报称家中现金及首饰被盗", "店主报称店内财物被盗",
           "报称在菜场手机被扒窃"),
    "诈骗": ("报称被人以借款为由骗走现金", "报称购买物品被骗", "报称被冒充熟人诈骗"),
    "电信网络诈骗": ("报称遭遇刷单返利诈骗", "报称被冒充客服退款诈骗", "报称遭遇虚假投资理财诈骗",
                "报称被冒充公检法诈骗"),
    "抢劫": ("报称在路边被人抢走挎包", "报称被人持刀抢劫财物"),
    "伤害": ("报称被人打伤需要处理", "报称与人发生冲突受伤"),
    "打架斗殴": ("报称有人在饭店内打架", "报称路边有多人斗殴", "报称烧烤摊有人打架"),
    "治安纠纷": ("报称与他人发生口角推搡", "报称因停车问题与人发生纠纷"),
    "扰乱秩序": ("报称有人在店内酗酒闹事", "报称有人在公共场所滋事"),
    "家庭暴力": ("报称被家人殴打", "报称丈夫酒后施暴"),
    "赌博": ("举报有人聚众赌博", "举报出租房内有赌博活动"),
    "交通事故": ("报称两车相撞无人受伤", "报称电动车与小车碰擦", "报称发生交通事故有人受伤"),
    "交通违法": ("反映路口车辆乱停放堵塞交通", "反映有车辆逆行", "反映货车违规超载"),
    "肇事逃逸": ("报称被车辆撞后对方逃逸", "报称停放车辆被刮擦肇事车辆离开"),
    "火灾": ("报称居民楼内有烟冒出", "报称厂房起火", "报称垃圾桶着火", "报称电动车充电起火"),
    "抢险救援": ("报称有人被困电梯", "报称树木倒伏压住车辆", "报称有人被困水中需要救援"),
    "走失": ("报称家中老人走失", "报称小孩走失"),
    "开锁": ("报称钥匙遗失需要开锁", "报称门被反锁家中有老人"),
    "溺水": ("报称河边有人落水", "报称有人溺水"),
    "危急病人": ("报称路边有人晕倒", "报称家中老人突发疾病"),
    "邻里纠纷": ("反映邻居装修噪音扰民", "反映邻居占用公共通道", "反映楼上漏水与邻居发生纠纷"),
    "家庭纠纷": ("报称与家人因琐事争吵", "报称夫妻发生争吵"),
    "经济纠纷": ("报称对方欠款不还", "报称与商家发生消费纠纷", "报称合作生意发生经济纠纷"),
    "劳资纠纷": ("反映工厂拖欠工资", "反映被辞退未获补偿", "多名工人反映老板欠薪"),
    "城管": ("反映流动摊贩占道经营", "反映违章搭建", "反映夜间施工噪音扰民"),
    "劳动保障": ("反映用人单位未缴社保", "反映劳动合同纠纷"),
    "环保": ("反映工厂排放废气异味", "反映河道有污水排放", "反映企业噪声扰民"),
    "安全生产": ("反映企业存在安全隐患", "反映仓库违规存放易燃物", "反映施工现场未做防护"),
    "自然灾害": ("报称大风吹落广告牌", "报称道路积水严重", "报称房屋进水"),
    "生产安全事故": ("报称工厂有人受伤", "报称工地发生事故"),
    "其他": ("咨询相关事项", "反映其他问题", "报称发现可疑情况"),
}

CATEGORIES = list(INCIDENT_CATEGORIES)
SUBCATEGORIES = [s for c in CATEGORIES for s in INCIDENT_CATEGORIES[c]]


def _tables():
    k = max(len(v) for v in INCIDENT_CATEGORIES.values())
    sub = np.zeros((len(CATEGORIES), k))
    offset = np.zeros(len(CATEGORIES), dtype=np.int64)
    pos = 0
    for i, c in enumerate(CATEGORIES):
        w = SUBCATEGORY_WEIGHTS.get(c, (1,) * len(INCIDENT_CATEGORIES[c]))
        sub[i, : len(w)] = w
        offset[i] = pos
        pos += len(INCIDENT_CATEGORIES[c])
    source = np.array([SOURCE_MIX.get(c, SOURCE_MIX["其他"]) for c in CATEGORIES], dtype=float)
    severity = np.array([SEVERITY_MIX.get(c, SEVERITY_DEFAULT) for c in CATEGORIES], dtype=float)
    tpl, tpl_off, tpl_n = [], [], []
    for s in SUBCATEGORIES:
        texts = SUMMARIES.get(s, (f"反映{s}问题",))
        tpl_off.append(len(tpl))
        tpl_n.append(len(texts))
        tpl.extend(texts)
    return sub, offset, source, severity, pa.array(tpl), np.array(tpl_off), np.array(tpl_n)


_SUB, _SUB_OFFSET, _SOURCE, _SEVERITY, _TPL, _TPL_OFF, _TPL_N = _tables()
_SUB_ARR = pa.array(SUBCATEGORIES)
_CAT_ARR = pa.array(CATEGORIES)
_SOURCE_ARR = pa.array(list(INCIDENT_SOURCES))
_SEVERITY_ARR = pa.array(list(INCIDENT_SEVERITIES))
_STATUS_ARR = pa.array(["待受理", "处置中", "已办结", "已退回"])
_SATISFACTION_ARR = pa.array(["满意", "基本满意", "不满意"])


def hotness(geo: Communities, seed: int) -> np.ndarray:
    """Per-community hotness factor (hot spots: industrial areas and markets)."""
    rng = rng_for(seed, "hotness")
    hot = rng.lognormal(0.0, 0.3, geo.n)
    share = geo.floating / np.maximum(geo.population + geo.floating, 1)
    n_hot = min(HOT_SPOTS, geo.n)
    industrial = np.argsort(-share, kind="stable")[: n_hot // 2]
    rest = np.setdiff1d(np.arange(geo.n), industrial)
    markets = rng.choice(rest, size=min(n_hot - len(industrial), len(rest)), replace=False)
    spots = np.concatenate([industrial, markets])
    hot[spots] = rng.uniform(2.5, 4.0, len(spots))
    return hot


@dataclass
class _Setup:
    start: dt.date
    end: dt.date
    lam: np.ndarray  # (categories, hours) expected counts
    comm_w: np.ndarray  # (categories, communities)
    anchors: Anchors
    roads: np.ndarray


def _intensity(start: dt.date, end: dt.date, per_year: float) -> np.ndarray:
    ds = cal.days(start, end)
    n_days = len(ds)
    n_hours = n_days * 24
    years = (np.arange(n_hours) - n_hours / 2) / (24 * 365.25)
    storm = ty.hour_mask(start, n_hours)
    lam = np.empty((len(CATEGORIES), n_hours))
    office_week = (cal.WEEKDAY_DEFAULT + cal.WEEKDAY_OFFICE) / 2
    for i, c in enumerate(CATEGORIES):
        if c == "交通":
            hourly = cal.HOURLY_TRAFFIC
        elif c == "社会联动":
            hourly = (cal.HOURLY_DEFAULT + cal.HOURLY_OFFICE) / 2
        else:
            hourly = cal.HOURLY_DEFAULT
        week = office_week if c == "社会联动" else cal.WEEKDAY_DEFAULT
        daily = np.repeat(cal.day_factor(ds, week), 24) * np.tile(hourly, n_days)
        trend = TREND_PER_YEAR.get(c, 1.0) ** years
        effect = np.where(storm, TYPHOON_EFFECT.get(c, TYPHOON_OTHERS), 1.0)
        lam[i] = CATEGORY_SHARES.get(c, 0.0) * daily * trend * effect
    total = per_year * n_days / 365.25
    return lam * (total / lam.sum())


def setup(geo: Communities, end: dt.date, seed: int, per_year: float,
          hot: np.ndarray) -> _Setup:
    rng = rng_for(seed, "incidents", "setup")
    start, _ = cal.window(end)
    base = (geo.population + 0.5 * geo.floating) * hot
    comm_w = base[None, :] * rng.lognormal(0.0, 0.25, (len(CATEGORIES), geo.n))
    anchors = geo.make_anchors(rng)
    roads = community_roads(rng, geo.n)
    return _Setup(start, end, _intensity(start, end, per_year), comm_w, anchors, roads)


_NULL = pa.scalar(None, pa.string())


def month_table(geo: Communities, s: _Setup, seed: int, year: int, month: int,
                first: dt.date, last: dt.date) -> pa.Table:
    rng = rng_for(seed, "incidents", year, month)
    h0 = (first - s.start).days * 24
    h1 = ((last - s.start).days + 1) * 24
    counts = rng.poisson(s.lam[:, h0:h1])
    n_cat, n_h = counts.shape
    flat = counts.ravel()
    cat = np.repeat(np.repeat(np.arange(n_cat), n_h), flat)
    hour = np.repeat(np.tile(np.arange(h0, h1), n_cat), flat)
    n = len(cat)
    t = cal.seconds(s.start) + hour.astype(np.int64) * cal.HOUR + rng.integers(0, cal.HOUR, n)
    order = np.argsort(t, kind="stable")
    t, cat = t[order], cat[order]

    sub = _SUB_OFFSET[cat] + pick_by_group(rng, cat, _SUB)
    source = pick_by_group(rng, cat, _SOURCE)
    severity = pick_by_group(rng, cat, _SEVERITY)
    comm = pick_by_group(rng, cat, s.comm_w)
    lon, lat = geo.sample(comm, rng, s.anchors, CLUSTERED)
    crossing = (cat == CATEGORIES.index("交通")) & (rng.random(n) < 0.5)
    address = addresses(rng, comm, geo.names, s.roads, crossing=crossing)
    tpl = _TPL_OFF[sub] + rng.integers(0, 1 << 30, n) % _TPL_N[sub]

    # status ageing
    accept = lognormal(rng, np.array(ACCEPT_MEDIAN_MIN, float)[source] * 60, 0.8)
    cat_factor = np.array([CATEGORY_HANDLE_FACTOR.get(c, 1.0) for c in CATEGORIES])[cat]
    handle = lognormal(rng, np.array(HANDLE_MEDIAN_H, float)[source] * 3600 * cat_factor,
                       HANDLE_SIGMA)
    long_running = rng.random(n) < LONG_RUNNING_SHARE
    handle = handle + long_running * rng.exponential(20 * cal.DAY, n)
    accepted = t + accept.astype(np.int64)
    closed = accepted + handle.astype(np.int64)
    as_of = cal.cutoff(s.end)
    returned = rng.random(n) < RETURNED_SHARE
    status = np.where(accepted >= as_of, 0, np.where(closed >= as_of, 1, np.where(returned, 3, 2)))
    done = status == 2
    iot = source == INCIDENT_SOURCES.index("物联感知")
    asked = done & ~iot & (rng.random(n) < SATISFACTION_ASKED)
    satisfaction = pick(rng, n, SATISFACTION_MIX)

    names = person_names(rng, n)
    phones = mobiles(rng, n)
    anonymous = iot | ((source == 0) & (rng.random(n) < ANONYMOUS_110))
    names = pc.if_else(pa.array(anonymous), _NULL, names)
    phones = pc.if_else(pa.array(iot), _NULL, phones)

    day = t // cal.DAY
    first_of_day = np.searchsorted(day, day, side="left")
    seq = np.arange(n) - first_of_day + 1
    ts = pa.array(cal.as_datetime64(t))
    ids = pc.binary_join_element_wise(
        "JJ", pc.strftime(ts, format="%Y%m%d"),
        pc.utf8_lpad(pc.cast(pa.array(seq), pa.string()), 6, "0"), "")
    table = pa.table({
        "incident_id": ids,
        "reported_at": ts,
        "source": _SOURCE_ARR.take(pa.array(source)),
        "category": _CAT_ARR.take(pa.array(cat)),
        "subcategory": _SUB_ARR.take(pa.array(sub)),
        "severity": _SEVERITY_ARR.take(pa.array(severity)),
        "status": _STATUS_ARR.take(pa.array(status)),
        "closed_at": pa.array(cal.as_datetime64(closed, done)),
        "community_code": pa.array(geo.names, pa.string()).take(pa.array(comm)),
        "lon": pa.array(lon),
        "lat": pa.array(lat),
        "address": address,
        "summary": _TPL.take(pa.array(tpl)),
        "reporter_name": names,
        "reporter_phone": phones,
        "satisfaction": pc.if_else(pa.array(asked), _SATISFACTION_ARR.take(pa.array(satisfaction)),
                                   _NULL),
    })
    return table.filter(pa.array(t < as_of))  # nothing reported after the sample's moment


def generate(geo: Communities, end: dt.date, seed: int, per_year: float,
             hot: np.ndarray) -> Iterator[pa.Table]:
    """The incidents month by month (each month from its own generator)."""
    s = setup(geo, end, seed, per_year, hot)
    for year, month, first, last in cal.months(s.start, end):
        yield month_table(geo, s, seed, year, month, first, last)
