"""工作简报: periods, wording, sentences against independent counts on the fixture warehouse,
and the Word / PDF / Excel files read back (the PDF rendered to PNG pages by pdftoppm)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import shutil
import subprocess

import pytest

from command_center import briefing
from command_center.briefing import content, data
from command_center.briefing import periods as bp
from command_center.briefing.content import change_text, num, pct, points_text
from command_center.periods import Period

TODAY = dt.date(2026, 11, 20)  # tests/conftest.py FIXTURE_END
NOW = dt.datetime(2026, 11, 20, 12, 30)  # tests/conftest.py FIXTURE_NOW (CC_CLOCK_NOW)
OCT = Period(dt.date(2026, 10, 1), dt.date(2026, 10, 31))
OCT_MONTH = Period(dt.date(2026, 10, 1), dt.date(2026, 10, 31), step="month")
ARTIFACTS = briefing.config.ROOT / "test-artifacts" / "briefing"


# ------------------------------------------------------------------ periods
def test_week_month_quarter_periods():
    # 2026-11-18 is a Wednesday: its week is Mon 16th – Sun 22nd, cut at now (20th 12:30)
    assert bp.full_period("week", dt.date(2026, 11, 18)) == Period(dt.date(2026, 11, 16),
                                                                   dt.date(2026, 11, 22))
    assert bp.resolve("week", dt.date(2026, 11, 18), NOW) == Period(dt.date(2026, 11, 16),
                                                                    TODAY, NOW)
    assert bp.resolve("week", dt.date(2026, 11, 18), NOW).end_before == NOW
    # a later date than now means now
    assert bp.resolve("month", dt.date(2026, 12, 5), NOW) == Period(
        dt.date(2026, 11, 1), TODAY, NOW, step="month")
    assert bp.last_complete("week", TODAY) == Period(dt.date(2026, 11, 9), dt.date(2026, 11, 15))
    assert bp.last_complete("month", TODAY) == OCT_MONTH
    assert bp.last_complete("quarter", TODAY) == Period(dt.date(2026, 7, 1), dt.date(2026, 9, 30),
                                                        step="quarter")
    assert bp.resolve("quarter", dt.date(2024, 2, 29), NOW) == Period(
        dt.date(2024, 1, 1), dt.date(2024, 3, 31), step="quarter")
    # 环比: the previous calendar month (not 31 days back), the same days of it when running
    assert bp.previous("month", OCT) == Period(dt.date(2026, 9, 1), dt.date(2026, 9, 30),
                                               step="month")
    assert bp.previous("month", Period(dt.date(2026, 3, 1), dt.date(2026, 3, 31))) == Period(
        dt.date(2026, 2, 1), dt.date(2026, 2, 28), step="month")
    nov = bp.resolve("month", TODAY, NOW)
    assert bp.is_partial("month", nov)
    assert not bp.is_partial("month", OCT_MONTH)
    # the same days of October, until the same time of day
    assert bp.previous("month", nov) == Period(dt.date(2026, 10, 1), dt.date(2026, 10, 20),
                                               dt.datetime(2026, 10, 20, 12, 30), step="month")
    # 同比: the same dates a year earlier, until the same time
    assert nov.year_ago() == Period(dt.date(2025, 11, 1), dt.date(2025, 11, 20),
                                    dt.datetime(2025, 11, 20, 12, 30), step="month")
    assert bp.previous("quarter", Period(dt.date(2026, 1, 1), dt.date(2026, 3, 31))) == Period(
        dt.date(2025, 10, 1), dt.date(2025, 12, 31), step="quarter")
    assert bp.previous("week", Period(dt.date(2026, 11, 9), dt.date(2026, 11, 15))) == Period(
        dt.date(2026, 11, 2), dt.date(2026, 11, 8))
    assert bp.label("month", OCT) == "2026年10月"
    assert bp.label("month", nov) == "2026年11月（截至11月20日 12:30）"
    assert bp.label("quarter", Period(dt.date(2026, 7, 1), dt.date(2026, 9, 30))) == "2026年第三季度"
    assert bp.label("week", Period(dt.date(2026, 11, 9), dt.date(2026, 11, 15))) == "2026年第46周"


# ------------------------------------------------------------------ wording
def test_change_wording_rise_fall_same_and_no_data():
    assert change_text(1234, 1000, "同比") == "同比上升23.4%"
    assert change_text(948, 1000, "同比") == "同比下降5.2%"
    assert change_text(1000, 1000, "同比") == "同比持平"
    assert change_text(10000, 10001, "环比", base="上月") == "环比持平"  # −0.01% rounds to 0.0
    assert change_text(5, 0, "同比") == "上年同期为0"  # no percentage from nothing
    assert change_text(0, 0, "同比") == "同比持平"
    assert change_text(5, None, "同比") == "上年同期无数据"
    assert change_text(5, 3, "环比", available=False, base="上月") == "上月无数据"
    assert points_text(0.923, 0.911, "同比") == "同比提高1.2个百分点"
    assert points_text(0.90, 0.92, "同比") == "同比降低2.0个百分点"
    assert points_text(0.90, 0.9001, "同比") == "同比持平"
    assert points_text(0.90, None, "同比") == "上年同期无数据"
    assert num(1234, "起") == "1,234起" and num(123456, "起") == "123,456起"
    assert pct(0.052) == "5.2%"
    assert content.cell_text(0.052, "change") == "+5.2%"
    assert content.cell_text(-0.0001, "change") == "持平"
    assert content.cell_text(None, "change") == "—"


# ------------------------------------------------------------------ against the warehouse
def _count(wh, sql: str, *params) -> int:
    return wh.execute(sql, list(params)).fetchone()[0]


def _incidents(wh, p: Period) -> int:
    return _count(wh, "select count(*) from incidents where reported_at >= ? and reported_at < ?",
                  p.start_at, p.end_before)


def _disputes(wh, p: Period) -> int:
    return _count(wh, "select count(*) from disputes where received_at >= ? and received_at < ?",
                  p.start_at, p.end_before)


def _yoy(now: int, before: int, name: str = "同比") -> str:
    if before == 0:
        return "上年同期为0" if now else f"{name}持平"
    c = round((now - before) / before * 100, 1)
    return f"{name}持平" if c == 0 else f"{name}{'上升' if c > 0 else '下降'}{abs(c):.1f}%"


@pytest.fixture(scope="module")
def october(fixture_warehouse):
    d = data.fetch("month", OCT, warehouse=fixture_warehouse)
    return d, content.build(d)


def test_overview_sentences_match_independent_counts(october, wh):
    _, b = october
    n = _incidents(wh, OCT)
    ya = _incidents(wh, OCT.year_ago())
    prev = _incidents(wh, Period(dt.date(2026, 9, 1), dt.date(2026, 9, 30)))
    assert n > 100 and ya > 100 and prev > 100
    first = b.section("overview").paragraphs[0]
    assert first.startswith(f"本月全市共接报警情{n:,}起，{_yoy(n, ya)}，{_yoy(n, prev, '环比')}；")
    crim = _count(wh, "select count(*) from incidents where category = '刑事' and "
                      "reported_at >= ? and reported_at < ?", OCT.start_at, OCT.end_before)
    crim_ya = _count(wh, "select count(*) from incidents where category = '刑事' and "
                         "reported_at >= ? and reported_at < ?",
                     OCT.year_ago().start_at, OCT.year_ago().end_before)
    assert f"其中刑事警情{crim:,}起（{_yoy(crim, crim_ya)}）" in first

    dn, dya = _disputes(wh, OCT), _disputes(wh, OCT.year_ago())
    second = b.section("overview").paragraphs[1]
    assert second.startswith(f"受理矛盾纠纷{dn:,}件，{_yoy(dn, dya)}，")
    # received in October and concluded (调解成功/调解不成功/已转诉讼) by its end; 已撤回 excluded
    ok, concluded = wh.execute(
        "select count(*) filter (where status = '调解成功'), count(*) from disputes "
        "where received_at >= ? and received_at < ? and status in "
        "('调解成功', '调解不成功', '已转诉讼') and coalesce(closed_at < ?, true)",
        [OCT.start_at, OCT.end_before, OCT.end_before]).fetchone()
    assert f"调解成功率{ok / concluded * 100:.1f}%" in second
    # open at the end of October (whenever received), and past the deadline then: a deadline
    # before the end's day, 11-01 (so one on 10-31 is overdue at the end of 10-31)
    end = OCT.end_before
    open_n, overdue = wh.execute(
        "select count(*), count(*) filter (where deadline_on < ?) from disputes "
        "where received_at < ? and (status in ('已受理', '调处中') or closed_at >= ?)",
        [end.date(), end, end]).fetchone()
    assert overdue > 0
    assert f"期末在办{open_n:,}件，其中超期未化解{overdue:,}件" in second
    orgs = _count(wh, "select count(*) from social_orgs where status = '正常' and "
                      "(registered_on is null or registered_on <= ?)", OCT.end)
    new = _count(wh, "select count(*) from social_orgs where status = '正常' and "
                     "registered_on between ? and ?", OCT.start, OCT.end)
    assert b.section("overview").paragraphs[2].startswith(
        f"登记在册社会组织{orgs:,}家，" + (f"本月新登记{new:,}家" if new else "本月无新登记"))
    # no typhoon in October 2026: no 防台转移 section
    assert b.section("typhoon") is None
    assert [s.title for s in b.sections] == ["总体情况", "警情", "矛盾纠纷", "社会组织", "风险社区",
                                             "需关注事项", "统计口径说明"]
    # the last section gives the registry's 口径 of the figures it quotes
    from command_center.figures import fig

    defs = b.section("definitions").paragraphs
    for key in ("dispute_success_rate", "disputes_overdue_at_end", "orgs_registered",
                "evac_pending"):
        assert f"{fig(key).label}：{fig(key).definition}" in defs


def test_patrol_sentence_matches_independent_counts(october, wh):
    """平安乐巡: tasks planned in October and done (checked out) by its end, and their
    participants, each with 同比 (last October as of its own end)."""
    _, b = october

    def done(p: Period, what: str) -> int:
        return _count(wh, f"select coalesce({what}, 0) from patrols where planned_start_at >= ? "
                          "and planned_start_at < ? and status = '已完成' and ended_at < ?",
                      p.start_at, p.end_before, p.end_before)

    n, n_ya = done(OCT, "count(*)"), done(OCT.year_ago(), "count(*)")
    people = done(OCT, "sum(participant_count)")
    people_ya = done(OCT.year_ago(), "sum(participant_count)")
    assert n > 0 and n_ya > 0
    sentence = next(p for p in b.section("overview").paragraphs if p.startswith("平安乐巡"))
    assert sentence == (f"平安乐巡完成巡逻任务{n:,}次，{_yoy(n, n_ya)}；"
                        f"参与群众{people:,}人次，{_yoy(people, people_ya)}。")
    from command_center.figures import fig

    assert f"{fig('patrols_done').label}：{fig('patrols_done').definition}" in \
        b.section("definitions").paragraphs


def test_category_table_and_community_table(october, wh):
    _, b = october
    table = b.section("incidents").tables[0]
    got = {r[0]: (r[1], r[2]) for r in table.rows}
    rows = wh.execute(
        "select category, count(*) filter (where reported_at >= ? and reported_at < ?), "
        "count(*) filter (where reported_at >= ? and reported_at < ?) from incidents "
        "group by category", [OCT.start_at, OCT.end_before, OCT.year_ago().start_at,
                              OCT.year_ago().end_before]).fetchall()
    want = {c: (n, y) for c, n, y in rows if n or y}
    assert got == want
    comm = b.community_table
    assert len(comm.rows) == 102
    top = comm.rows[0]
    name, n = wh.execute(
        "select c.community_name, count(*) from incidents i join communities c using "
        "(community_code) where reported_at >= ? and reported_at < ? "
        "group by c.community_code, c.community_name order by 2 desc, c.community_code limit 1",
        [OCT.start_at, OCT.end_before]).fetchone()
    assert (top[0], top[3]) == (name, n)


def test_no_data_wording_before_the_first_year(fixture_warehouse, wh):
    assert _count(wh, "select count(*) from incidents where reported_at < '2024-01-01'") == 0
    feb = bp.resolve("month", dt.date(2024, 2, 10), NOW)
    b = content.build(data.fetch("month", feb, warehouse=fixture_warehouse))
    first = b.section("overview").paragraphs[0]
    n, prev = _incidents(wh, feb), _incidents(wh, Period(dt.date(2024, 1, 1),
                                                         dt.date(2024, 1, 31)))
    assert first.startswith(f"本月全市共接报警情{n:,}起，上年同期无数据，{_yoy(n, prev, '环比')}")
    assert "上年同期无数据，不作同比分析。" in b.section("incidents").paragraphs
    assert all(r[2] is None for r in b.section("incidents").tables[0].rows)  # no 0 for no data
    assert "（一）警情环比增加较多" in b.section("attention").paragraphs[0]


def test_rise_fall_and_no_change_from_hand_made_figures(october):
    d, _ = october
    cases = [
        ({"incident_count": 1234, "year_ago_count": 1302, "previous_count": 1197},
         "共接报警情1,234起，同比下降5.2%，环比上升3.1%"),
        ({"incident_count": 500, "year_ago_count": 500, "previous_count": 400},
         "共接报警情500起，同比持平，环比上升25.0%"),
        ({"incident_count": 7, "year_ago_count": 0, "previous_count": 14},
         "共接报警情7起，上年同期为0，环比下降50.0%"),
    ]
    for incidents, want in cases:
        b = content.build(dataclasses.replace(d, incidents={**d.incidents, **incidents}))
        assert want in b.section("overview").paragraphs[0]
    b = content.build(dataclasses.replace(d, incidents_first_on=dt.date(2026, 9, 15)))
    assert "上年同期无数据，上月无数据" in b.section("overview").paragraphs[0]


def test_typhoon_section_only_when_a_warning_overlaps(fixture_warehouse, wh):
    jul = Period(dt.date(2025, 7, 1), dt.date(2025, 7, 31))
    b = briefing.make("month", jul, warehouse=fixture_warehouse)
    s = b.section("typhoon")
    assert s is not None
    name, planned, moved = wh.execute(
        "select t.name_cn, sum(e.person_count), sum(e.person_count) filter (where e.status in "
        "('已转移', '已返回')) from typhoons t join evacuations e using (typhoon_id) "
        "where t.warning_start_at < ? and t.warning_end_at >= ? group by all",
        [jul.end_before, jul.start_at]).fetchone()
    assert f"台风“{name}”" in s.paragraphs[0]
    assert f"应转移{planned:,}人，已转移{moved:,}人，转移率{moved / planned * 100:.1f}%" in \
        s.paragraphs[0]
    assert [x.title for x in b.sections].index("防台转移") == 4


def test_turning_red_matches_risk_compare(october, fixture_warehouse):
    from command_center import risk

    d, b = october
    now = risk.scores(OCT, warehouse=fixture_warehouse)
    before = risk.scores(bp.previous("month", OCT), warehouse=fixture_warehouse)
    red = risk.load_model().levels[-1].name
    turned = set(now[now["level"] == red]["community_code"]) - set(
        before[before["level"] == red]["community_code"])
    names = [d.community_names[c] for c in turned]
    text = b.section("risk").paragraphs[1]
    if names:
        assert all(n in text for n in names) and "新转为红色的社区" in text
    else:
        assert "无新转为红色的社区" in text
    counts = {lv.name: int((now["level"] == lv.name).sum()) for lv in risk.load_model().levels}
    assert f"红色{counts['红']}个、黄色{counts['黄']}个" in b.section("risk").paragraphs[0]


# ------------------------------------------------------------------ files
def test_docx_reads_back_with_headings(october):
    import docx

    _, b = october
    doc = docx.Document(io.BytesIO(briefing.render(b, "docx")))
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith(("Heading", "Title"))]
    assert headings[0] == "龙港市平安治理工作月报"
    for title in b.section_titles:
        assert title in headings
    assert "附表：各社区情况" in headings
    body = "\n".join(p.text for p in doc.paragraphs)
    assert b.section("overview").paragraphs[0] in body
    assert len(doc.tables) == sum(len(s.tables) for s in b.sections) + 1
    assert len(doc.tables[-1].rows) == 103  # header + 102 communities


def test_docx_is_a4_with_the_pdfs_margins(october):
    import docx
    from docx.shared import Mm

    _, b = october
    doc = docx.Document(io.BytesIO(briefing.render(b, "docx")))
    for section in doc.sections:
        assert abs(section.page_width - Mm(210)) < Mm(0.5)
        assert abs(section.page_height - Mm(297)) < Mm(0.5)
        assert abs(section.left_margin - Mm(18)) < Mm(0.5)
        assert abs(section.top_margin - Mm(16)) < Mm(0.5)


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils not installed")
def test_pdf_pages_render_with_content(october, tmp_path):
    from PIL import Image

    _, b = october
    pdf = briefing.render(b, "pdf")
    assert pdf.startswith(b"%PDF")
    path = tmp_path / "briefing.pdf"
    path.write_bytes(pdf)
    # the Chinese font is embedded (a subset), not left to the reader's machine
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True).stdout
    embedded = [ln for ln in fonts.splitlines()[2:] if ln.split()[-5:-4] == ["yes"]]
    assert embedded and all(" yes " in ln for ln in fonts.splitlines()[2:]), fonts
    subprocess.run(["pdftoppm", "-png", "-r", "60", str(path), str(tmp_path / "page")],
                   check=True)
    pages = sorted(tmp_path.glob("page-*.png"))
    assert len(pages) >= 3
    for png in pages:
        im = Image.open(png).convert("L")
        dark = sum(im.histogram()[:128])
        assert dark > 0.005 * im.size[0] * im.size[1], f"{png.name} is blank"
    # kept for a person to look at (test-artifacts/briefing/pdf_page-1.png …)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for png in pages[:2]:
        shutil.copy(png, ARTIFACTS / f"pdf_{png.name}")


def test_pdf_without_a_chinese_font_says_so(monkeypatch, october):
    from command_center.briefing import pdf

    monkeypatch.setenv("CC_BRIEFING_FONT", "/nonexistent/font.ttf")
    pdf.find_font.cache_clear()
    try:
        with pytest.raises(pdf.BriefingFontError, match="未找到可用于PDF的中文字体"):
            briefing.render(october[1], "pdf")
    finally:
        monkeypatch.delenv("CC_BRIEFING_FONT")
        pdf.find_font.cache_clear()


def test_xlsx_sheets_and_numbers(october, wh):
    from openpyxl import load_workbook

    _, b = october
    wb = load_workbook(io.BytesIO(briefing.render(b, "xlsx")))
    assert wb.sheetnames == [s.title for s in b.sections] + ["各社区情况"]
    ws = wb["警情"]
    values = [[c.value for c in row] for row in ws.iter_rows()]
    assert values[3][0] == b.section("incidents").paragraphs[0]
    head = next(i for i, r in enumerate(values) if r[0] == "类别")
    got = {}
    for r in values[head + 1:]:
        if not r[0]:
            break
        got[r[0]] = r[1]
    n = dict(wh.execute("select category, count(*) from incidents where reported_at >= ? and "
                        "reported_at < ? group by all", [OCT.start_at, OCT.end_before]).fetchall())
    assert got == {k: n.get(k, 0) for k in got} and sum(got.values()) == _incidents(wh, OCT)
    assert all(isinstance(v, int) for v in got.values())  # numbers, not text
    comm = [[c.value for c in row] for row in wb["各社区情况"].iter_rows(min_row=5)]
    assert comm[0][:4] == ["社区", "片区", "人口", "警情数"]
    assert sum(r[3] for r in comm[1:] if r[3] is not None) == _incidents(wh, OCT)


def test_cli_writes_the_three_files(fixture_warehouse, tmp_path, wh):
    from command_center.cli import main

    assert main(["briefing", "--period", "month", "--date", "2026-10-31", "--out",
                 str(tmp_path), "--warehouse", str(fixture_warehouse)]) == 0
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["龙港市平安治理工作月报_2026-10-01至2026-10-31.docx",
                     "龙港市平安治理工作月报_2026-10-01至2026-10-31.pdf",
                     "龙港市平安治理工作月报_2026-10-01至2026-10-31.xlsx"]
    import docx

    doc = docx.Document(str(tmp_path / names[0]))
    n = _incidents(wh, OCT)
    assert any(p.text.startswith(f"本月全市共接报警情{n:,}起") for p in doc.paragraphs)


NO_LINE_START = "）)］】」』”’〉》、，,。.：:；;！!？?…%"
NO_LINE_END = "（(［【「『“‘〈《"


@pytest.mark.parametrize("kind", ["month", "quarter"])
def test_pdf_breaks_lines_by_chinese_rules(fixture_warehouse, tmp_path, kind):
    """禁则: no printed line starts with closing punctuation (）、，。：；！？」”) or ends with an
    opening one (（“「), read back with pdftotext -layout from generated briefings."""
    b = briefing.make(kind, bp.full_period(kind, dt.date(2026, 10, 15)),
                      warehouse=fixture_warehouse)
    path = tmp_path / "b.pdf"
    path.write_bytes(briefing.render(b, "pdf"))
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    assert len(lines) > 40
    bad = [ln for ln in lines if ln[0] in NO_LINE_START or ln[-1] in NO_LINE_END]
    assert bad == []
