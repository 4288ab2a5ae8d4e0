"""Portal languages: Japanese first, English beside it; the message catalogue and number, money and year formats."""

from __future__ import annotations

import math
from typing import Final

from renkei.domain.fiscal import FiscalYearError, format_fiscal_year, western_to_era
from renkei.domain.plan import NO_CATEGORY_LABEL, NO_POLICY_AREA_LABEL, CostBasis
from renkei.domain.status import Status

LANGUAGES: Final = ("ja", "en")
DEFAULT_LANGUAGE: Final = "ja"
LANGUAGE_COOKIE: Final = "renkei_lang"

#: The message catalogue: key -> (Japanese, English).
MESSAGES: Final[dict[str, tuple[str, str]]] = {
    "site.name": ("連携中枢都市圏ポータル", "Regional Collaboration Portal"),
    "site.skip": ("本文へ移動", "Skip to main content"),
    "site.language": ("表示言語", "Language"),
    "site.footer": ("このサイトのデータは連携中枢都市圏ビジョンの事業シートから作成しています。",
                    "The data on this site is taken from the project sheets of the regional vision."),
    "site.data": ("データ（JSON・CSV）", "Data (JSON, CSV)"),
    "site.plan": ("計画", "Plan"),
    "site.show": ("表示", "Show"),
    "site.staff": ("職員用ページ（ログイン）", "Staff workspace (sign in)"),
    "nav.main": ("メインメニュー", "Main menu"),
    "nav.home": ("概要", "Overview"),
    "nav.projects": ("事業一覧", "Projects"),
    "nav.municipalities": ("市町村", "Municipalities"),
    "nav.map": ("地図", "Map"),
    "nav.kpis": ("KPI", "KPIs"),
    "nav.search": ("検索", "Search"),
    # The static copy of the portal (renkei build-site): no server, so one evaluation year and search in the page.
    "static.one_year": ("（この静的版は既定の評価年度のみを載せています）",
                        "(this static copy shows the default evaluation year only)"),
    "static.opendata": ("オープンデータ（datapackage.json）", "Open data (datapackage.json)"),
    "static.search": ("キーワードで検索", "Search by keyword"),
    "static.showing": ("絞り込み", "Filtered by"),
    "static.search_label": ("キーワード", "Keywords"),
    "static.search_hint": ("事業名、内容、効果、連携市町、KPIなどから探します。複数の語は空白で区切ります。",
                           "Searches names, content, effects, partners, KPIs and more. Separate words with spaces."),
    "static.search_button": ("検索", "Search"),
    "static.search_noscript": ("検索にはJavaScriptが必要です。一覧ページから探すこともできます。",
                               "Search needs JavaScript. You can also browse the lists."),
    "static.api_note": ("この静的版にはAPIサーバーがありません。各URLには条件なしで取得したJSON・CSVを置いています"
                        "（絞り込みや検索の条件は使えません）。全件はオープンデータにあります。",
                        "This static copy has no API server: each URL holds the JSON or CSV as fetched with no "
                        "parameters (filters and search do not apply). Everything is in the open data."),
    "home.period": ("計画期間", "Plan period"),
    "home.projects": ("事業数", "Projects"),
    "home.kpis": ("KPI数", "KPIs"),
    "home.members": ("構成市町村", "Member municipalities"),
    "home.plans": ("この圏域の計画", "Plans of this area"),
    "home.current_plan": ("現在の計画", "current plan"),
    "plan.earlier_notice": ("以前の計画を表示しています。", "You are viewing an earlier plan of this area."),
    "plan.to_current": ("現在の計画へ", "Go to the current plan"),
    "home.budget_total": ("計画期間の事業費合計", "Budget over the plan period"),
    "home.budget_by_year": ("年度別の事業費", "Budget by fiscal year"),
    "home.budget_note": ("【再掲】事業の事業費は一度だけ数えています。", "Relisted projects are counted once."),
    "home.outside": ("計画期間外の年度", "Years outside the plan period"),
    "budget.not_stated": ("記載なし", "not stated"),
    "budget.unit_assumed": ("このシートは事業費の単位を書いていません。ほかのシートと同じ千円とみなしています。",
                            "This sheet does not state the budget's unit; it is taken as thousand yen, as elsewhere."),
    # What a budget cell written in words means (shown beside the words, so a reading never passes for a figure).
    "budget.cell.none": ("なしと記載", "stated as none"),
    "budget.cell.unclear": ("継続、額の記載なし", "continues, no amount given"),
    "budget.cell.undetermined": ("未定と記載", "stated as undetermined"),
    "budget.cell.invalid": ("金額として読めません", "not readable as an amount"),
    # The word a budget chart writes where it draws no bar (short: it sits in one year's band).
    "budget.gap.none": ("なし", "none"),
    "budget.gap.unclear": ("継続", "continues"),
    "budget.gap.undetermined": ("未定", "undetermined"),
    "budget.gap.invalid": ("読めない記載", "unreadable"),
    "budget.no_amount": ("金額の記載なし", "no amount stated"),
    "budget.none_count": ("「—」{count}事業", "“—” in {count} projects"),
    "budget.undetermined_count": ("未定{count}事業", "未定 in {count} projects"),
    "budget.unit": ("千円", " thousand yen"),
    "home.rollup": ("政策分野・分類別のKPIの進捗", "KPI progress by policy area and category"),
    "col.kpis": ("KPI数", "KPIs"),
    "method.title": ("進捗の判定方法", "How progress is judged"),
    "legend.title": ("凡例", "Legend"),
    "grade.mean_rate": ("平均得点率", "mean score rate"),
    "grade.overall": ("圏域全体の評価", "The whole area"),
    "grade.total": ("集計", "Total"),
    "grade.grade": ("評価区分", "Grade"),
    "grade.scale": ("この圏域の評価区分", "This area's grades"),
    "grade.rollup": ("事業・分類・政策分野・圏域の集計方法", "How grades add up"),
    "legend.more": ("評価の意味", "What the ratings mean"),
    "legend.colon": ("：", ": "),
    "budget.stated_by": ("記載のある{count}事業の合計", "sum of the {count} projects that state it"),
    "budget.outside_note": ("計画期間外の年度の事業費は、計画期間の合計とグラフに含めていません。",
                            "Budgets of years outside the plan period are not in the plan-period total or chart."),
    "budget.blank_note": ("空欄の年度は「記載なし」で、0千円ではありません。",
                          "A blank year is not stated, not zero."),
    "kpi.judged_on": ("判定の基準年度", "Judged on"),
    "kpi.history": ("改正の履歴", "Revision history"),
    "kpi.dropped": ("改正で削除された指標", "KPIs dropped by a revision"),
    "kpi.dropped_note": ("これらの指標の実績は保存されています。削除の前の年度は評価し、集計に含めます。",
                         "Their actuals are kept; the years before the drop evaluate and count them."),
    "kpi.later": ("改正で追加される指標", "KPIs a later revision adds"),
    "kpi.later_note": ("{year}にはまだ計画にないため、評価も集計もしません。",
                       "Not yet in the vision in {year}: neither evaluated nor counted."),
    "project.revised": ("改正あり", "Revised"),
    "kpi.not_reported": ("未報告", "not reported"),
    "figure.reported_of": ("{owed}市町のうち{reported}市町が報告", "{reported} of {owed} municipalities reported"),
    "figure.unknown_total": ("不明（圏域の合計は未報告）", "unknown (the area's total is not reported yet)"),
    "figure.unknown_sum": ("不明（内訳の報告がそろっていません）",
                           "unknown (not every partner has reported its share)"),
    "figure.source_total": ("合計として報告", "reported as a total"),
    "figure.source_sum": ("全連携市町の内訳の合計", "the sum of every partner's share"),
    "figure.total": ("合計", "Total"),
    "kpi.figures": ("年度ごとの実績（承認済み）", "Approved figures by year"),
    "kpi.reported_by": ("報告:", "reported by"),
    "kpi.comment": ("コメント", "Comment"),
    "figure.reported": ("{count}市町が報告", "{count} municipalities reported"),
    "kpi.evidence": ("根拠", "Evidence"),
    "kpi.note": ("備考", "Note"),
    "kpi.by_municipality": ("市町村別の実績", "Actuals by municipality"),
    "kpi.entries": ("実績の記録", "Recorded actuals"),
    "kpi.assessment": ("担当課の評価", "Staff assessment"),
    "kpi.not_counted": ("この指標は原掲の事業で集計しています（重複して数えません）。",
                        "This KPI is counted with its original listing, not again."),
    "project.corrected": ("文書の記載を読み替えています", "The document's text was read as corrected"),
    "project.original": ("原掲の事業シート", "Original listing"),
    "muni.no_share": ("文書には市町村ごとの事業費の内訳がないため、事業費は市町村別に示していません。",
                      "The document gives no municipality's share of a budget, so none is shown per municipality."),
    "muni.core_group": ("中心となる市町", "Core group"),
    "muni.own_actuals": ("この市町村の実績", "This municipality's actuals"),
    "home.by_policy_area": ("政策分野別の事業数", "Projects by policy area"),
    "home.by_category": ("連携協約の分類別の事業数", "Projects by category"),
    "home.kpi_status": ("KPIの進捗状況", "KPI progress"),
    "home.as_of": ("評価年度", "Evaluated as of"),
    "home.map": ("圏域の地図", "Map of the area"),
    "home.empty": ("計画がまだ登録されていません。", "No plan has been imported yet."),
    "col.year": ("年度", "Fiscal year"),
    "col.amount": ("事業費（千円）", "Budget (¥ thousand)"),
    "col.count": ("件数", "Count"),
    "col.share": ("割合", "Share"),
    "col.name": ("事業名", "Project"),
    "col.policy_area": ("政策分野", "Policy area"),
    "col.category": ("連携協約", "Category"),
    "col.partners": ("連携市町", "Partners"),
    "col.budget": ("事業費（計画期間・千円）", "Budget (plan period, ¥ thousand)"),
    "col.status": ("進捗", "Progress"),
    "col.rating": ("評価", "Rating"),
    "col.indicator": ("指標", "Indicator"),
    "col.baseline": ("現状値", "Baseline"),
    "col.target": ("目標値", "Target"),
    "col.actual": ("実績値", "Actual"),
    "col.trend": ("推移", "Trend"),
    "col.project": ("事業", "Project"),
    "col.municipality": ("市町村", "Municipality"),
    "col.projects": ("参加事業数", "Projects"),
    "col.role": ("役割分担", "Role"),
    "col.cost": ("費用負担", "Cost sharing"),
    "col.code": ("団体コード", "Code"),
    "col.expected": ("期待値", "Expected"),
    "col.forecast": ("予測", "Forecast"),
    "list.search": ("キーワード", "Keyword"),
    "list.search_hint": ("事業名・内容・効果・役割分担・分類・市町村名・KPIから探します。"
                         "かな・カナ・全角半角は区別しません。",
                         "Searches names, descriptions, effects, roles, categories, municipalities and KPIs;"
                         " kana and full-width letters match alike."),
    "list.filter": ("絞り込み", "Filter"),
    "list.apply": ("絞り込む", "Apply"),
    "list.clear": ("条件を解除", "Clear filters"),
    "list.sort": ("並べ替え", "Sort by"),
    "list.sort.document": ("文書の順", "Document order"),
    "list.sort.name": ("事業名", "Name"),
    "list.sort.budget": ("事業費の多い順", "Budget (largest first)"),
    "list.sort.status": ("進捗（遅れを先に）", "Progress (behind first)"),
    "list.all": ("すべて", "All"),
    "list.found": ("{count}件の事業", "{count} projects"),
    "list.found_kpis": ("{count}件のKPI", "{count} KPIs"),
    "list.none": ("条件に合う事業はありません。", "No project matches."),
    "pager.label": ("ページ", "Pages"),
    "pager.showing": ("{total}件中 {first}〜{last}件目", "{first}–{last} of {total}"),
    "pager.previous": ("前のページ", "Previous page"),
    "pager.next": ("次のページ", "Next page"),
    "pager.page": ("{number} / {pages} ページ", "Page {number} of {pages}"),
    "list.download": ("CSVでダウンロード", "Download CSV"),
    "facet.budget": ("事業費", "Budget"),
    "facet.budget.yes": ("事業費あり", "With budget"),
    "facet.budget.no": ("事業費なし", "Without budget"),
    "facet.relisted": ("再掲", "Relisted"),
    "facet.relisted.yes": ("【再掲】のみ", "Relisted only"),
    "facet.relisted.no": ("【再掲】を除く", "Not relisted"),
    "project.relisted": ("【再掲】", "[Relisted]"),
    "project.description": ("事業内容", "Description"),
    "project.effects": ("効果", "Effects"),
    "project.partners": ("連携市町", "Partner municipalities"),
    "project.all_members": ("全市町", "All members"),
    "project.outside": ("圏域外", "Outside the area"),
    "project.excluded": ("除く", "Excluded"),
    "project.unresolved": ("確認が必要な名称", "Names to check"),
    "project.budget": ("事業費", "Budget"),
    "project.budget_none": ("事業費の記載はありません。", "No budget is stated."),
    "project.budget_note": ("備考", "Note"),
    "project.roles": ("役割分担", "Roles"),
    "project.cost": ("費用負担（基本方針）", "Cost sharing (principles)"),
    "project.kpis": ("重要業績評価指数（KPI）", "Key performance indicators (KPIs)"),
    "project.rule": ("判定の根拠", "How it was judged"),
    "project.extra": ("その他の記載", "Other entries"),
    "project.evaluation": ("事業評価（今後の方向性）", "Annual evaluation (direction)"),
    "project.partner_evaluations": ("連携市町による評価", "The partner municipalities' own evaluations"),
    "project.partner_comment": ("評価の理由", "Reason"),
    "col.fiscal_year": ("年度", "Fiscal year"),
    "project.source": ("文書の{line}行目", "Line {line} of the document"),
    "project.staff": ("職員向け：文書の点検結果", "For staff: document checks"),
    "severity.error": ("誤り", "Error"),
    "severity.warning": ("要確認", "Check"),
    "severity.info": ("参考", "Note"),
    "project.no_findings": ("指摘はありません。", "No findings."),
    "project.chart_table": ("グラフの数値", "Chart values"),
    "project.not_found": ("事業が見つかりません。", "Project not found."),
    "kpi.kind": ("形式", "Form"),
    "kpi.kind.point": ("到達目標", "Level to reach"),
    "kpi.kind.maintain": ("維持目標", "Level to hold"),
    "kpi.kind.cumulative": ("累計目標", "Cumulative total"),
    "kpi.kind.every_year": ("毎年度の目標", "Amount every year"),
    "kpi.kind.qualitative": ("定性的な目標", "Qualitative aim"),
    "kpi.kind.none": ("測定できる目標なし", "Nothing measurable"),
    "kpi.no_actuals": ("実績値はまだ入力されていません。", "No actuals have been entered yet."),
    "muni.list": ("構成市町村", "Member municipalities"),
    "muni.lead": ("連携中枢都市", "Lead city"),
    "muni.projects": ("参加している事業", "Projects it takes part in"),
    "muni.compare": ("圏域平均との比較", "Compared with the area average"),
    "muni.this": ("この市町村", "This municipality"),
    "muni.average": ("圏域平均", "Area average"),
    "muni.project_count": ("参加事業数", "Projects"),
    "muni.project_budget": ("参加事業の事業費（計画期間・千円）", "Budget of its projects (plan period, ¥ thousand)"),
    "muni.not_found": ("市町村が見つかりません。", "Municipality not found."),
    "map.title": ("圏域の地図：市町村別の参加事業数", "Map: projects per municipality"),
    "map.credit": ("出典：国土数値情報（行政区域データ）（国土交通省）を加工して作成",
                   "Source: National Land Numerical Information (Administrative Areas), MLIT; processed"),
    "map.missing": ("地図データがまだありません。", "Map data is not available yet."),
    "map.legend": ("凡例（参加事業数）", "Legend (projects)"),
    "map.partners": ("連携市町の地図", "Map of the partners"),
    "kpis.title": ("KPIダッシュボード", "KPI dashboard"),
    "error.not_found": ("ページが見つかりません。", "Page not found."),
    "error.no_plan": ("指定された計画がありません。", "No such plan."),
    "error.no_area": ("圏域「{area}」はありません。", "No area {area!r}."),
    "error.which_area": ("このページは圏域ごとにあります。圏域を選んでください。",
                         "This page belongs to an area: choose the area."),
    "areas.title": ("圏域の一覧", "Areas"),
    "areas.intro": ("このポータルで公開している連携中枢都市圏（圏域）です。"
                    "圏域を選ぶと、その事業・KPI・進捗を見られます。",
                    "The regional-collaboration areas this portal publishes. Choose one to see its projects, KPIs "
                    "and progress."),
    "areas.lead": ("連携中枢都市", "Lead city"),
    "areas.members": ("構成市町村", "Members"),
    "areas.projects": ("事業数", "Projects"),
    "areas.plans": ("計画", "Plans"),
    "areas.prefectures": ("都道府県", "Prefectures"),
    "areas.tiles": ("都道府県ごとの圏域の数", "Areas by prefecture"),
    "areas.tiles_note": ("四角は都道府県を表し、数字はその都道府県に構成市町村がある圏域の数です。"
                         "数字のある四角を選ぶと、下の一覧のその都道府県へ移ります。",
                         "Each square is a prefecture; the number is how many areas have members there. Choose one "
                         "to go to its line in the list below."),
    "areas.search": ("すべての圏域から探す", "Search every area"),
    "areas.search_label": ("事業名・内容・KPI の語", "Words in a project's name, content or KPIs"),
    "areas.search_button": ("探す", "Search"),
    "areas.search_note": ("語は書かれたとおりに探します（全角・半角は区別しません）。"
                          "圏域ごとの検索では読みでも探せます。",
                          "Words are matched as written (full- and half-width alike); an area's own search also "
                          "matches readings."),
    "areas.found": ("{count}件の事業", "{count} projects"),
    "areas.found_more": ("最初の{limit}件を表示しています。圏域で絞り込んでください。",
                         "The first {limit} are shown; narrow the search to an area."),
    "areas.by_area": ("圏域別", "By area"),
    "areas.kpis": ("すべての圏域のKPI", "KPIs of every area"),
    "areas.kpis_intro": ("各圏域の現行の計画のKPIと、その圏域の既定の年度での進捗です（【再掲】の事業は除き、"
                         "KPIは一度だけ載せます）。政策分野・市町村・進捗での絞り込みは、圏域ごとのKPIダッシュボードで"
                         "できます。",
                         "The KPIs of each area's current plan, with their progress as of the year that area's pages "
                         "show by default (each KPI once: relisted sheets are left out). Filters by policy area, "
                         "municipality and progress are on each area's own KPI dashboard."),
    "areas.kpis_of_area": ("この圏域のKPIダッシュボード（絞り込みの項目がそろっています）",
                           "This area's KPI dashboard (with every filter)"),
    "areas.kpis_sort.document": ("圏域と文書の順", "Area, then document order"),
    "areas.kpis_sort.name": ("指標名", "Indicator"),
    "areas.every_area": ("すべての圏域", "Every area"),
    "areas.nothing": ("見つかりませんでした。", "Nothing was found."),
    "areas.tile": ("{name}：{count}圏域", "{name}: {count} areas"),
    "areas.none": ("まだ計画が登録されていません。", "No plan has been imported yet."),
    "areas.all": ("すべての圏域", "All areas"),
    # A portal that works for everyone (issue 7 §3): the page frame, search help, parameters, API and downloads.
    "nav.breadcrumb": ("現在位置", "Breadcrumb"),
    "frame.default": ("既定", "default"),
    "footer.source": ("出典", "Source"),
    "footer.sheets.before": ("", "Project sheets of "),
    "footer.sheets.after": ("の事業シート", ""),
    "footer.updated": ("最終更新日", "Last updated"),
    "footer.licence": ("データのライセンス", "Data licence"),
    "footer.api": ("APIの説明", "API guide"),
    "footer.downloads": ("データのダウンロード", "Data downloads"),
    "error.bad_parameters": ("指定された条件ではこのページを表示できません。", "This page cannot be shown as asked."),
    "error.fixed": ("条件を直して表示する", "Show it with the conditions corrected"),
    "error.server": ("内部エラーが発生しました。時間をおいてもう一度お試しください。",
                     "An internal error occurred. Please try again later."),
    "error.request_id": ("問い合わせ番号", "Request ID"),
    "card.partner_count": ("{count}市町村", "{count} municipalities"),
    "card.budget": ("事業費（計画期間）", "Budget (plan period)"),
    "kpi.month": ("{month}月", "month {month}"),
    "map.legend_from": ("凡例は最も少ない{low}件から始まります（0件からではありません）。",
                        "The legend starts at the smallest count, {low}, not at 0."),
    "search.reading": ("読み", "Reading"),
    "search.municipalities": ("キーワードに合う市町村", "Municipalities matching the keyword"),
    "search.try": ("条件を変えると見つかります", "Try instead"),
    "suggest.count": ("{count}件", "{count} found"),
    "suggest.drop_filter.before": ("「", "Without “"),
    "suggest.drop_filter.after": ("」の条件を外す", "”"),
    "suggest.drop_filters.before": ("キーワード「", "Keyword “"),
    "suggest.drop_filters.after": ("」だけで探す", "” alone, without the other filters"),
    "suggest.drop_query.before": ("キーワード「", "Without the keyword “"),
    "suggest.drop_query.after": ("」を外す", "”"),
    "suggest.term.before": ("「", "Only “"),
    "suggest.term.after": ("」だけで探す", "”"),
    "suggest.name.before": ("もしかして: ", "Did you mean: "),
    "suggest.name.after": ("", ""),
    "suggest.municipality.before": ("", "The page of "),
    "suggest.municipality.after": ("のページ", ""),
    "suggest.municipality_filter.before": ("", "Projects "),
    "suggest.municipality_filter.after": ("が参加する事業", " takes part in"),
    "docs.title": ("APIの説明", "API guide"),
    "docs.intro": ("このサイトのデータは、プログラムからJSONとCSVで読み出せます。どのURLも認証なしで使えます。"
                   "下の一覧はOpenAPIの定義（{openapi}）から作っています。",
                   "Every figure on this site can be read by programs as JSON and CSV, with no sign-in. This guide is"
                   " drawn from the OpenAPI description ({openapi})."),
    "docs.parameters": ("パラメータ", "Parameters"),
    "docs.parameter": ("名前", "Name"),
    "docs.where": ("場所", "In"),
    "docs.required": ("必須", "required"),
    "docs.type": ("型", "Type"),
    "docs.description": ("説明", "Description"),
    "docs.returns": ("返すもの", "Returns"),
    "docs.fields": ("項目（OpenAPIの英語の説明）", "Fields"),
    "docs.example": ("例", "Example"),
    "docs.common": ("共通の事項", "Common to every call"),
    "docs.errors": ("条件が正しくないときは、状態コード422と、どのパラメータがなぜ使えないかを書いたJSONを返します。"
                    "URLが長すぎるときは414を返します。",
                    "A parameter that cannot be used gets status 422 and JSON saying which parameter and why;"
                    " a URL that is too long gets 414."),
    "docs.lang": ("lang=en を付けると、判定文などが英語になります。", "Add lang=en for explanations in English."),
    "downloads.title": ("データのダウンロード", "Data downloads"),
    "downloads.intro": ("このサイトの一覧はすべてCSV（Excelで開けるBOM付きUTF-8）とJSONでダウンロードできます。"
                        "一覧ページで絞り込んでからダウンロードすると、絞り込んだ結果だけになります。",
                        "Every list on this site can be downloaded as CSV (UTF-8 with a BOM, opens in Excel) and as"
                        " JSON. Filter a list first and its download has only the filtered rows."),
    "downloads.format": ("形式", "Format"),
    "downloads.rows": ("件数", "Rows"),
    "downloads.file": ("ダウンロード", "Download"),
}

STATUS_ORDER: Final = (Status.BEHIND, Status.ON_TRACK, Status.ACHIEVED, Status.NO_DATA, Status.NOT_MEASURABLE)

_COST_BASIS: Final[dict[CostBasis, tuple[str, str]]] = {
    CostBasis.LEAD_CITY: ("北九州市が負担", "Borne by the lead city"),
    CostBasis.PARTNERS: ("連携市町が負担", "Borne by the partners"),
    CostBasis.SHARED: ("北九州市及び連携市町が負担", "Shared by the lead city and partners"),
    CostBasis.AGREEMENT: ("協定に基づき負担", "As agreed"),
    CostBasis.NEGOTIATED: ("発生時に協議して決定", "Negotiated when costs arise"),
    CostBasis.NO_COST: ("費用負担なし", "No cost expected"),
    CostBasis.UNKNOWN: ("その他", "Other"),
}


def choose_language(query: str | None, cookie: str | None) -> str:
    """Choose the page language: the query parameter, else the cookie, else Japanese.

    >>> choose_language("en", None), choose_language(None, "en"), choose_language("fr", "xx")
    ('en', 'en', 'ja')
    """
    for candidate in (query, cookie):
        if candidate in LANGUAGES:
            return str(candidate)
    return DEFAULT_LANGUAGE


def translate(key: str, lang: str, **values: object) -> str:
    """Return a message in the language, with ``{name}`` placeholders filled in.

    >>> translate("list.found", "ja", count=3)
    '3件の事業'
    >>> translate("list.found", "en", count=3)
    '3 projects'
    """
    ja, en = MESSAGES[key]
    message = en if lang == "en" else ja
    return message.format(**values) if values else message


def label_group(label: str, lang: str) -> str:
    """Name a policy area or category group in the language: the document's own names stay Japanese, and only the
    groups the reader makes up (no policy area, no category) are translated.

    >>> label_group("（政策分野なし）", "en"), label_group("（連携協約なし）", "ja")
    ('(no policy area)', '（連携協約なし）')
    >>> label_group("(2) a 地域公共交通", "en")
    '(2) a 地域公共交通'
    """
    if lang != "en":
        return label
    return {NO_POLICY_AREA_LABEL: "(no policy area)", NO_CATEGORY_LABEL: "(no category)"}.get(label, label)


def label_status(status: Status | str, lang: str) -> str:
    """Name a progress status in the language.

    >>> label_status("on_track", "ja"), label_status("on_track", "en")
    ('順調', 'on track')
    """
    status = Status(status)
    return status.label_en if lang == "en" else status.label_ja


def label_cost_basis(basis: CostBasis | str | None, lang: str) -> str:
    """Name a cost-sharing basis in the language (「—」 when none is stated).

    >>> label_cost_basis("lead_city", "ja")
    '北九州市が負担'
    """
    if basis is None:
        return "—"
    ja, en = _COST_BASIS[CostBasis(basis)]
    return en if lang == "en" else ja


def format_year(fiscal_year: int, lang: str) -> str:
    """Format a fiscal year: 令和8年度（2026） in Japanese, FY2026 in English.

    >>> format_year(2026, "ja"), format_year(2026, "en")
    ('令和8年度（2026）', 'FY2026')
    """
    return format_fiscal_year(fiscal_year, "en" if lang == "en" else "ja")


def format_count(value: float | int | None) -> str:
    """Write a number with thousands separators and no trailing zeros (「—」 for none).

    >>> format_count(3700900), format_count(84.5), format_count(None), format_count(2.0)
    ('3,700,900', '84.5', '—', '2')
    """
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "—"
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.10g}"


def format_thousand_yen(amount: int | None, lang: str) -> str:
    """Write an amount in thousand yen with its unit.

    >>> format_thousand_yen(3700900, "ja"), format_thousand_yen(3700900, "en")
    ('3,700,900千円', '¥3,700,900 thousand')
    """
    if amount is None:
        return "—"
    return f"¥{amount:,} thousand" if lang == "en" else f"{amount:,}千円"


def format_yen_words(amount: int | None, lang: str) -> str:
    """Write a thousand-yen amount in 億・万 (Japanese) or millions and billions (English), for reading aloud.

    Amounts not whole in 万円 are rounded and marked 約 (about).

    >>> format_yen_words(3700900, "ja")
    '37億90万円'
    >>> format_yen_words(2420, "ja"), format_yen_words(396, "ja"), format_yen_words(0, "ja")
    ('242万円', '約40万円', '0円')
    >>> format_yen_words(3700900, "en"), format_yen_words(2420, "en")
    ('¥3.70 billion', '¥2.42 million')
    """
    if amount is None:
        return "—"
    yen = amount * 1000
    if lang == "en":
        if abs(yen) >= 1_000_000_000:
            return f"¥{yen / 1_000_000_000:.2f} billion"
        if abs(yen) >= 1_000_000:
            return f"¥{yen / 1_000_000:.2f} million"
        return f"¥{yen:,}"
    if yen == 0:
        return "0円"
    man = round(yen / 10_000)
    about = "約" if man * 10_000 != yen else ""
    oku, rest = divmod(man, 10_000)
    text = (f"{oku:,}億" if oku else "") + (f"{rest:,}万" if rest else "")
    return f"{about}{text or '0'}円"


def format_percent(ratio: float | None) -> str:
    """Write a ratio as a whole percentage.

    >>> format_percent(0.4), format_percent(None)
    ('40%', '—')
    """
    if ratio is None or not math.isfinite(ratio):
        return "—"
    return f"{ratio * 100:.0f}%"


def short_year_labels(years: range | tuple[int, ...] | list[int], lang: str) -> dict[int, str]:
    """Return short axis labels for fiscal years: R8 in Japanese, 2026 in English.

    >>> short_year_labels([2018, 2026], "ja"), short_year_labels([2026], "en")
    ({2018: 'H30', 2026: 'R8'}, {2026: '2026'})
    """
    if lang == "en":
        return {y: str(y) for y in years}
    initials = {"令和": "R", "平成": "H", "昭和": "S", "大正": "T"}
    labels = {}
    for year in years:
        try:
            era, number = western_to_era(year)
            labels[year] = f"{initials[era]}{number}"
        except FiscalYearError:
            labels[year] = str(year)
    return labels
