"""The 社会组织 page's own filters, kept in the URL (keys prefixed ``org_``).

``render()`` draws them and returns an ``OrgFilters`` whose ``params()`` feed every
``queries/social_orgs/*.sql`` (they all share the same filter block).
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from command_center import config
from command_center.schema import ORG_CATEGORIES, ORG_CREDIT, ORG_LEGAL_FORMS, ORG_RATINGS

FIRST_YEAR = 1990  # earliest registered year offered by the slider
PARTY = {"all": "全部", "yes": "党建联盟成员", "no": "非成员"}
PARTY_FLAGS = {"all": [], "yes": [True], "no": [False]}
ACTIVE_STATUSES = ["正常"]  # the register: organizations not deregistered or revoked


@dataclass(frozen=True)
class OrgFilters:
    legal_forms: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    ratings: tuple[str, ...] = ()
    credit_statuses: tuple[str, ...] = ()
    party: str = "all"
    min_year: int = FIRST_YEAR
    max_year: int = 9999
    include_closed: bool = False

    def params(self, communities) -> dict:
        return {
            "communities": list(communities),
            "legal_forms": list(self.legal_forms),
            "categories": list(self.categories),
            "ratings": list(self.ratings),
            "credit_statuses": list(self.credit_statuses),
            "party_flags": PARTY_FLAGS[self.party],
            "statuses": [] if self.include_closed else list(ACTIVE_STATUSES),
            "min_year": self.min_year,
            "max_year": self.max_year,
        }

    def describe(self) -> dict[str, str]:
        """The filters as Chinese text, for exports."""
        out = {
            "组织类型": "、".join(self.legal_forms) or "全部",
            "业务类别": "、".join(self.categories) or "全部",
            "评估等级": "、".join(self.ratings) or "全部",
            "信用状态": "、".join(self.credit_statuses) or "全部",
            "党建联盟": PARTY[self.party],
            "登记年份": f"{self.min_year}–{self.max_year}年",
            "登记状态": "含已注销、已撤销" if self.include_closed else "仅正常登记",
        }
        return out


def render() -> OrgFilters:
    this_year = config.today().year
    with st.expander("组织筛选", expanded=True):
        c = st.columns([1, 1.3, 1, 1])
        forms = c[0].multiselect("组织类型", ORG_LEGAL_FORMS, key="org_form",
                                 bind="query-params", placeholder="全部")
        cats = c[1].multiselect("业务类别", ORG_CATEGORIES, key="org_cat",
                                bind="query-params", placeholder="全部")
        ratings = c[2].multiselect("评估等级", ORG_RATINGS, key="org_rating",
                                   bind="query-params", placeholder="全部")
        credit = c[3].multiselect("信用状态", ORG_CREDIT, key="org_credit",
                                  bind="query-params", placeholder="全部")
        d = st.columns([1, 2, 1])
        party = d[0].segmented_control("党建联盟", list(PARTY), format_func=PARTY.get,
                                       default="all", key="org_party", bind="query-params",
                                       required=True)
        years = d[1].slider("登记年份", min_value=FIRST_YEAR, max_value=this_year,
                            value=(FIRST_YEAR, this_year), key="org_year",
                            bind="query-params", format="%d年")
        closed = d[2].toggle("含已注销、已撤销", key="org_closed", bind="query-params",
                             help="默认只统计登记状态为“正常”的在册组织")
    lo, hi = years if years else (FIRST_YEAR, this_year)
    return OrgFilters(
        legal_forms=tuple(forms or ()),
        categories=tuple(cats or ()),
        ratings=tuple(ratings or ()),
        credit_statuses=tuple(credit or ()),
        party=party or "all",
        # the slider's ends mean "no limit": organizations registered before FIRST_YEAR
        # (or without a date) stay in
        min_year=0 if lo <= FIRST_YEAR else int(lo),
        max_year=9999 if hi >= this_year else int(hi),
        include_closed=bool(closed),
    )
