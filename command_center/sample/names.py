"""Personal names, mobile numbers, roads and addresses (all invented, vectorized).

Surname weights lean to southern Zhejiang / Wenzhou, where 陈, 林, 王, 李, 张, 黄, 吴, 郑 lead.
Given names: one or two characters (75 % two), drawn from gendered pools. Mobile numbers:
11 digits from real mainland prefixes (中国移动/联通/电信). These are personal data that the
dashboard masks (DESIGN.md "Personal data"). Every character used is in GBK.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from command_center.sample.draws import pick

SURNAMES = {
    "陈": 12, "林": 6, "王": 6, "李": 5, "张": 5, "黄": 4, "吴": 4, "郑": 4, "周": 3, "杨": 3,
    "金": 3, "刘": 3, "徐": 3, "叶": 2.5, "潘": 2, "蔡": 2, "胡": 2, "朱": 2, "谢": 1.5,
    "章": 1.5, "董": 1.2, "赵": 1.2, "孙": 1.2, "夏": 1, "苏": 1, "池": 1, "彭": 1, "项": 1,
    "缪": 0.8, "余": 1, "钱": 0.8, "姜": 0.8, "邱": 0.8, "季": 0.6, "柯": 0.6, "温": 0.6,
    "曾": 0.6, "卢": 0.8, "郭": 1, "何": 1, "高": 0.8, "许": 1, "方": 1, "应": 0.5, "肖": 0.5,
    "薛": 0.5, "殷": 0.4, "施": 0.6, "戴": 0.6, "杜": 0.5, "汤": 0.5, "翁": 0.5, "麻": 0.4,
    "白": 0.4, "包": 0.5, "鲍": 0.4, "倪": 0.4, "尤": 0.3, "庄": 0.4, "冯": 0.6, "程": 0.6,
    "宋": 0.6, "唐": 0.6, "韩": 0.5, "邵": 0.5, "姚": 0.5, "傅": 0.5, "洪": 0.5,
}
MALE = list("伟建国明华军平强勇斌杰涛超磊鹏飞俊峰宇浩志文海东林辉刚兵波力成龙祥德福胜才荣新宏"
            "亮锋阳晨博睿轩泽瑞豪铭凯鑫晖剑昌友光庆春永忠良松")
FEMALE = list("芳丽敏静燕娟霞玲萍红艳梅英琴慧婷雪莉倩洁兰秀珍凤云青佳欣怡颖蓉丹薇琳晶璐瑶琪悦"
              "诗涵雨思菲莹露彤娇月")

MOBILE_PREFIXES = np.array([
    134, 135, 136, 137, 138, 139, 147, 150, 151, 152, 157, 158, 159, 178, 182, 183, 184, 187,
    188, 198, 130, 131, 132, 155, 156, 166, 175, 176, 185, 186, 133, 153, 173, 177, 180, 181,
    189, 199,
], dtype=np.int64)

ROADS = (
    "世纪大道", "人民路", "龙跃路", "建设路", "华中路", "宫后路", "河底高路", "新城路", "站前路",
    "镇前路", "龙翔路", "学院路", "海港路", "江滨路", "沿江路", "兴港路", "林海路", "贸易路",
    "龙金大道", "龙洲路", "东方路", "龙祥路", "方岩路", "龙湖路", "文卫路", "环城路", "白沙路",
    "湖前路", "芦浦路", "舥艚路", "金钗路", "南环路", "北环路", "东海路", "龙江路", "海城路",
    "平等路", "荣华路", "繁荣路", "振兴路", "富民路", "安康路", "育英路", "青年路", "工业路",
    "兴业路", "创业路", "丰收路", "金城路", "海滨路", "双龙路", "新华路", "印刷路", "礼品路",
    "百川路", "龙浦路", "渡口路", "汇丰路", "港南路", "港北路", "月亮湾路", "梅园路", "文化路",
)

_SURNAME_ARR = pa.array(list(SURNAMES))
_SURNAME_W = np.array(list(SURNAMES.values()), dtype=np.float64)
_MALE_ARR = pa.array(MALE)
_FEMALE_ARR = pa.array(FEMALE)


def person_names(rng: np.random.Generator, n: int) -> pa.Array:
    """``n`` plausible Chinese names, e.g. 陈建华, 林芳."""
    surname = _SURNAME_ARR.take(pa.array(pick(rng, n, _SURNAME_W)))
    female = rng.random(n) < 0.48
    i1 = rng.integers(0, 10_000, n)
    i2 = rng.integers(0, 10_000, n)
    c1 = pc.if_else(pa.array(female), _FEMALE_ARR.take(pa.array(i1 % len(FEMALE))),
                    _MALE_ARR.take(pa.array(i1 % len(MALE))))
    c2 = pc.if_else(pa.array(female), _FEMALE_ARR.take(pa.array(i2 % len(FEMALE))),
                    _MALE_ARR.take(pa.array(i2 % len(MALE))))
    single = rng.random(n) < 0.25
    c2 = pc.if_else(pa.array(single), pa.scalar(None, pa.string()), c2)
    return pc.binary_join_element_wise(surname, c1, c2, "", null_handling="skip")


def mobiles(rng: np.random.Generator, n: int) -> pa.Array:
    """``n`` 11-digit mainland mobile numbers."""
    prefix = MOBILE_PREFIXES[rng.integers(0, len(MOBILE_PREFIXES), n)]
    number = prefix * 100_000_000 + rng.integers(0, 100_000_000, n)
    return pc.cast(pa.array(number), pa.string())


def community_roads(rng: np.random.Generator, n_communities: int, k: int = 5) -> np.ndarray:
    """(n_communities, k) road indices: the streets of each community."""
    return np.stack([rng.choice(len(ROADS), size=k, replace=False) for _ in range(n_communities)])


_ROADS_ARR = pa.array(list(ROADS))


def addresses(rng: np.random.Generator, comm: np.ndarray, community_names: np.ndarray,
              roads: np.ndarray, county: str = "龙港市", crossing: np.ndarray | None = None
              ) -> pa.Array:
    """"龙港市<社区名><路名><门牌>号", or "…A路与B路交叉口" where ``crossing``."""
    n = len(comm)
    k = roads.shape[1]
    r1 = roads[comm, rng.integers(0, k, n)]
    r2 = roads[comm, rng.integers(0, k, n)]
    r2 = np.where(r2 == r1, roads[comm, 0], r2)
    r2 = np.where(r2 == r1, roads[comm, 1], r2)
    number = np.minimum(np.ceil(rng.pareto(1.3, n) * 40 + 1), 999).astype(np.int64)
    names = pa.array(community_names[comm].tolist(), pa.string())
    road1 = _ROADS_ARR.take(pa.array(r1))
    house = pc.binary_join_element_wise(road1, pc.cast(pa.array(number), pa.string()), "号", "")
    if crossing is not None:
        cross = pc.binary_join_element_wise(road1, "与", _ROADS_ARR.take(pa.array(r2)), "交叉口", "")
        house = pc.if_else(pa.array(np.asarray(crossing, dtype=bool)), cross, house)
    return pc.binary_join_element_wise(county, names, house, "")
