"""Whole documents in other areas' styles, read against their own area; random headers never crash the reader."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from renkei.domain.framework import FrameworkArea
from renkei.domain.plan import Plan
from renkei.domain.quantity import Direction, Qualifier
from renkei.lint import lint_plan
from renkei.reading.area import available_areas, load_area, load_registry
from renkei.reading.partners import read_partners
from renkei.reading.sheet import read_plan

DATA = Path(__file__).resolve().parents[1] / "data"
REGISTRY = load_registry()
TOYAMA = load_area("toyama-gosei")


@pytest.fixture(scope="module")
def toyama() -> tuple[Plan, list[str]]:
    plan, findings = read_plan((DATA / "other_areas_toyama.txt").read_text(encoding="utf-8"), area=TOYAMA)
    return plan, [f.rule for f in findings + lint_plan(plan)]


def test_toyama_sheets_are_read(toyama: tuple[Plan, list[str]]) -> None:
    plan, rules = toyama
    assert [p.name for p in plan.projects] == ["ものづくり産業の販路拡大支援事業", "呉西圏域観光プロモーション事業",
                                              "広域バス路線維持事業"]
    first, second, third = plan.projects
    assert first.partners.all_members and len(first.partners.municipalities) == 6
    assert second.partners.excluded == ("氷見市",) and len(second.partners.municipalities) == 5
    assert third.partners.municipalities == ("高岡市", "射水市", "砺波市", "南砺市")
    assert first.budget is not None and first.budget.by_fiscal_year == {
        2016: 10000, 2017: 10000, 2018: 10000, 2019: 10000, 2020: 30000}
    assert (first.budget.total_text, first.budget.total_amount) == ("70,300", 70300)
    assert second.budget is not None and [c.status.value for c in second.budget.cells] == [
        "amount", "unclear", "unclear", "unclear", "none"]
    assert third.budget is not None and third.budget.by_fiscal_year[2016] == 0
    assert [p.policy_area.framework if p.policy_area else None for p in plan.projects] == [
        FrameworkArea.ECONOMIC_GROWTH, FrameworkArea.ECONOMIC_GROWTH, FrameworkArea.NETWORK]
    assert [p.category.code if p.category else None for p in plan.projects] == ["ア", "ア", "①"]
    assert dict(first.extra) == {"国・県補助事業の名称・補助率": "地方創生推進交付金（1/2）",
                                 "担当課": "高岡市産業振興課"}
    assert dict(second.extra)["事業期間"] == "平成28年度～平成32年度"
    assert "budget.total_mismatch" in rules and "budget.unclear" in rules and "sheet.unknown_row" in rules
    assert "municipality.unknown" not in rules and "budget.no_years" not in rules


def test_toyama_kpis(toyama: tuple[Plan, list[str]]) -> None:
    plan, _ = toyama
    kpis = {k.indicator: k for p in plan.projects for k in p.kpis}
    fairs = kpis["展示会出展企業数"]
    assert (fairs.baseline.fiscal_year, fairs.baseline.calendar_year) == (2015, True)
    assert (fairs.target.value, fairs.target.fiscal_year, fairs.target.calendar_year) == (12, 2020, True)
    assert kpis["商談成立件数"].target.value == 24
    assert kpis["観光入込客数"].baseline.value == 12_340_000
    assert kpis["観光入込客数（延べ宿泊者数）"].target.value == 600_000
    assert (kpis["観光客満足度"].baseline.value, kpis["観光客満足度"].baseline.scale) == (3.8, 5)
    assert kpis["バス利用者数（年間）"].target.value == 108_000
    assert kpis["圏域内人口のシェア（面積）"].target.value == 34.5


HIROSHIMA_KPIS = """\
事業名\t広域観光の推進\t\t連携市町
事業内容\t圏域の観光資源を結ぶ周遊ルートを造成する。\t\t全市町
効果\t・交流人口の拡大
事業費（千円）\tH28\tH29\tH30\tH31\tH32
\t3,000\t3,000\t3,000\t3,000\t3,000
役割分担\t広島市\t・事業の総括
費用負担\t・広島市が負担する。
重要業績評価指標（KPI）\t指標\t基準値\t目標値
\t圏域内の観光客数\t5,841万人(H26)\t6,500万人(H32)
\t外国人観光客数\t170万人（H26）\t年間300万人（H32）
\t圏域内総生産\t9兆1,400億円（H24）\t10兆円（H32）
\t圏域の人口\t2,387,416人(H27)\t現状維持
\t魅力度ランキング\t全国15位（2015年）\t10位以内（2020年）
"""


def test_a_hiroshima_style_kpi_table() -> None:
    plan, findings = read_plan(HIROSHIMA_KPIS, area=load_area("hiroshima"))
    (project,) = plan.projects
    assert project.partners.all_members and len(project.partners.municipalities) == 24
    kpis = {k.indicator: k for k in project.kpis}
    assert kpis["圏域内の観光客数"].target.value == 65_000_000
    assert kpis["圏域内総生産"].baseline.value == 9.14e12
    population = kpis["圏域の人口"]
    assert (population.target.value, population.direction) == (2_387_416, Direction.MAINTAIN)
    rank = kpis["魅力度ランキング"]
    assert (rank.target.value, rank.target.unit, rank.target.qualifier, rank.direction) == (
        10, "位", Qualifier.AT_MOST, Direction.DECREASE)
    assert not [f for f in findings if f.severity.value == "error"]


@pytest.mark.parametrize(("slug", "text", "count", "all_members"), [
    ("toyama-gosei", "全市", 6, True), ("toyama-gosei", "構成市全て", 6, True), ("toyama-gosei", "6市", 6, True),
    ("toyama-gosei", "砺波市を除く全市", 5, False), ("toyama-gosei", "富山県射水市・氷見市", 2, False),
    ("kumamoto", "全市町村", 17, True), ("kumamoto", "全構成市町村", 17, True),
    ("kumamoto", "構成市町村全て", 17, True), ("kumamoto", "西原村、南阿蘇村", 2, False),
    ("kumamoto", "熊本県上益城郡益城町", 1, False), ("kumamoto", "5市10町2村", 17, True),
    ("hiroshima", "圏域内全市町", 24, True), ("hiroshima", "山口県岩国市、和木町", 2, False),
    ("harima", "8市8町", 16, True), ("harima", "姫路市、たつの市、揖保郡太子町", 3, False),
])
def test_partner_cells_of_other_areas(slug: str, text: str, count: int, all_members: bool) -> None:
    partners, findings = read_partners(text, area=load_area(slug), registry=REGISTRY)
    assert (len(partners.municipalities), partners.all_members) == (count, all_members)
    assert not [f for f in findings if f.severity.value == "error"]


def test_the_areas_shipped() -> None:
    assert {"kitakyushu", "toyama-gosei", "hiroshima", "kumamoto", "harima"} <= set(available_areas())
    leads = {slug: load_area(slug).lead.name for slug in ("toyama-gosei", "hiroshima", "kumamoto")}
    assert leads == {"toyama-gosei": "高岡市", "hiroshima": "広島市", "kumamoto": "熊本市"}
    assert [m.name for m in load_area("toyama-gosei").members] == ["高岡市", "射水市", "氷見市", "砺波市", "小矢部市",
                                                                    "南砺市"]
    assert (len(load_area("hiroshima").members), len(load_area("kumamoto").members)) == (24, 17)
    harima = load_area("harima")
    assert (harima.lead.name, len(harima.members)) == ("姫路市", 16)
    assert all(m.prefecture == "兵庫県" for m in harima.members)


YEAR_HEADERS = st.sampled_from(["R{n}", "Ｒ{n}", "令和{n}年度", "{w}", "{w}年度", "{w}(H{h})", "H{h}",
                                "平成{h}年度", "{w}（平成{h}年度）", "FY{w}", "H{h}({w})"])
NUMERALS = st.sampled_from(["1,234", "０", "0", "12.5", "3万", "2,118万4千", "9兆1,400億", "▲5", "△10", "+20", "—",
                            "-", "―", "→", "", "未定", "同左", "1.2億円", "〃", "ー"])
UNITS = st.sampled_from(["件", "人", "%", "回/年", "位", "点", "万人", "千円", "ポイント増", "倍", "%増", "%削減",
                         "以上", "以内", "", "市町", "年間", "延べ"])
PERIODS = st.sampled_from(["（令和7年度）", "(H26)", "（2019(H31)年）", "（平成21～25年の平均）", "", "（累計）",
                           "（R8～R12）", "（前年度比）", "（対26年度比）"])


@given(headers=st.lists(st.tuples(YEAR_HEADERS, st.integers(1, 40)), min_size=1, max_size=7),
       amounts=st.lists(NUMERALS, max_size=8), total=st.booleans(),
       cells=st.lists(st.tuples(NUMERALS, UNITS, PERIODS), min_size=2, max_size=6))
@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow], deadline=None)
def test_random_year_headers_numerals_and_units_never_crash(headers: list[tuple[str, int]], amounts: list[str],
                                                            total: bool, cells: list[tuple[str, str, str]]) -> None:
    header = "\t".join(form.format(n=n, w=1988 + n, h=n) for form, n in headers) + ("\t計" if total else "")
    values = [f"{n}{u}{p}" for n, u, p in cells]
    text = (f"事業名\t試験事業\t\t連携市町\n事業内容\t試験。\t\t全市町\n事業費（千円）\t{header}\n\t"
            + "\t".join(amounts)
            + "\n重要業績評価指数（KPI）\t指標\t現状値\t目標値\n"
            + "".join(f"\t指標{i}\t{values[i]}\t{values[(i + 1) % len(values)]}\n" for i in range(len(values))))
    plan, _ = read_plan(text)
    assert len(plan.projects) == 1
    lint_plan(plan)
    for kpi in plan.projects[0].kpis:
        assert kpi.baseline.text is not None and kpi.target.to_dict()["kind"]


def test_a_policy_area_row_of_the_sheet_gives_its_area() -> None:
    text = "事業名\t広域連携事業\n政策分野\t高次の都市機能の集積・強化\n事業概要\t本文\n連携市町村\t全市町村\n"
    plan, _ = read_plan(text, area=load_area("kumamoto"))
    (project,) = plan.projects
    assert project.policy_area is not None
    assert (project.policy_area.number, project.policy_area.framework) == (2, FrameworkArea.URBAN_FUNCTIONS)
    assert project.partners.all_members


def test_roles_written_party_colon_duties_and_a_year_row_called_kubun() -> None:
    text = ("事業名\t連携事業\t\t連携市町\n事業内容\t本文\t\t全市町\n区分\tR8\tR9\n事業費（千円）\t100\t0\n"
            "役割分担\t北九州市：事業の総括・広報\n\t連携市町：協力する。\n")
    plan, findings = read_plan(text)
    (project,) = plan.projects
    assert project.budget is not None and project.budget.by_fiscal_year == {2026: 100, 2027: 0}
    assert [(r.party, r.duties) for r in project.roles] == [("北九州市", ("事業の総括・広報",)),
                                                            ("連携市町", ("協力する。",))]
    assert "roles.no_party" not in {f.rule for f in findings}


def test_ditto_in_the_roles_repeats_the_duties_or_the_party_above() -> None:
    text = ("事業名\t連携事業\t\t連携市町\n事業内容\t本文\t\t高岡市、射水市、砺波市\n"
            "事業費（千円）\tH28\tH29\n\t100\t0\n役割分担\t高岡市\t事業の総括\n\t富山県射水市\t〃\n\t〃\t会場の提供\n\t砺波市\t同上\n")
    plan, _ = read_plan(text, area=TOYAMA)
    (project,) = plan.projects
    assert [(r.party, r.duties) for r in project.roles] == [
        ("高岡市", ("事業の総括",)), ("富山県射水市", ("事業の総括", "会場の提供")),
        ("砺波市", ("事業の総括", "会場の提供"))]
    assert "roles.party_not_partner" not in {f.rule for f in lint_plan(plan)}  # 富山県射水市 is 射水市


def test_ditto_in_the_first_role_has_nothing_to_repeat() -> None:
    text = "事業名\t連携事業\n事業内容\t本文\t\t全市\n役割分担\t高岡市\t〃\n"
    _, findings = read_plan(text, area=TOYAMA)
    assert [f.line for f in findings if f.rule == "roles.ditto_without_above"] == [3]


def test_ditto_after_a_party_and_a_colon() -> None:
    text = "事業名\t連携事業\n事業内容\t本文\t\t全市\n役割分担\t高岡市：事業の総括\n\t構成市：〃\n"
    plan, _ = read_plan(text, area=TOYAMA)
    assert [(r.party, r.duties) for r in plan.projects[0].roles] == [("高岡市", ("事業の総括",)),
                                                                     ("構成市", ("事業の総括",))]


@pytest.mark.parametrize("header", ["指標名\t平成27年度（実績）\t平成32年度（目標）", "指標\t2015年度\t2020年度",
                                    "指標\tH27\tH32", "項目\t現状値（H27）\t目標値（2020年度）"])
def test_kpi_columns_headed_by_their_years(header: str) -> None:
    text = f"事業名\t観光推進\n事業内容\t本文\t\t全市町\n成果指標\t{header}\n\t観光入込客数\t450万人\t500万人\n"
    plan, _ = read_plan(text)
    (kpi,) = plan.projects[0].kpis
    assert (kpi.indicator, kpi.baseline.value, kpi.baseline.fiscal_year) == ("観光入込客数", 4_500_000, 2015)
    assert (kpi.target.value, kpi.target.fiscal_year) == (5_000_000, 2020)
