"""Write the seed corpora of ``fuzz/corpus/<target>/`` from the bundled example and renkei's own template writer.

``python -m fuzz.seeds`` rewrites the seeds (named ``seed-*``); inputs the fuzzers found and kept after
``-merge=1`` sit beside them under their SHA-1 names and are left alone.
"""

from __future__ import annotations

import dataclasses
import hashlib

from fuzz.harness import FUZZ_DIR
from renkei.export.actuals_template import write_actuals_template
from renkei.reading.sheet import read_plan

EXAMPLE = FUZZ_DIR.parent / "examples" / "kitakyushu_vision_r8.txt"
#: The quantity strings the brief names, and a few shapes the example lacks.
QUANTITIES = ("5件（令和7年度）", "25件（令和12年度までの累計）", "前年度比5%増", "100,000回（令和12年度）",
              "なし（令和7年度）", "検討会1回（令和8年度）", "年間3.5億円", "R8～R12 各年度 12回以上", "－", "増加",
              "１２．５％（Ｒ６）", "平成30年度比10%減", "毎年度 2,000人", "令和7年4月～令和8年3月 累計 40件")
SHEETS = 12


def sheet_seeds(text: str) -> dict[str, bytes]:
    """Cut the document into its first sheets (one per seed), one category block, and two other encodings."""
    blocks = [block for block in text.split("\n\n") if block.strip()]
    sheets = [block for block in blocks if block.lstrip().startswith("事業名")][:SHEETS]
    seeds = {f"seed-sheet-{i:02d}.txt": (sheet + "\n").encode() for i, sheet in enumerate(sheets, start=1)}
    seeds["seed-block.txt"] = ("\n\n".join(blocks[:4]) + "\n").encode()
    seeds["seed-cp932.txt"] = (sheets[1] + "\n").encode("cp932", errors="replace")
    seeds["seed-utf16.txt"] = (sheets[2] + "\n").encode("utf-16")
    return seeds


def quantity_seeds(text: str) -> dict[str, bytes]:
    """Every baseline and target cell of the example, and the shapes above, one per seed."""
    plan, _ = read_plan(text)
    cells = dict.fromkeys([*QUANTITIES, *(q.text for p in plan.projects for k in p.kpis for q in (k.baseline, k.target)
                                          if q.text)])
    return {f"seed-{hashlib.sha1(cell.encode()).hexdigest()[:12]}.txt": cell.encode() for cell in cells}


def actuals_seeds(text: str, suffix: str) -> dict[str, bytes]:
    """The actuals template of the example's first five projects for 令和8年度, filled in a little (CSV) or blank."""
    plan, _ = read_plan(text)
    small = dataclasses.replace(plan, projects=plan.projects[:5])
    if suffix == "xlsx":
        return {"seed-template.xlsx": write_actuals_template(small, year=2026, format="xlsx")}
    template = write_actuals_template(small, year=2026, format="csv").decode("utf-8-sig")
    lines = template.splitlines()
    header = lines[0]
    filled = [header, *(line.replace(",,", ",１，２００,", 1) for line in lines[1:3]), *lines[3:]]
    return {"seed-template.csv": template.encode("utf-8-sig"),
            "seed-filled.csv": ("\r\n".join(filled) + "\r\n").encode(),
            "seed-short.csv": ("事業名,指標,年度,実績値,実績値:行橋市,備考\n火災調査,件数,R8,４,1,\n"
                               "火災調査,件数,令和9年度,達成,,x\n").encode(),
            "seed-tabs.csv": "事業名\t指標\t年度\t実績値\n火災調査\t件数\t2026\t1,200\n".encode()}


def parts_seeds() -> dict[str, bytes]:
    """The template's sheet and shared strings, and the sheet alone with its strings inline."""
    from fuzz.actuals_xlsx_parts import SHEET, TEMPLATE, seed

    def cell(ref: str, text: str) -> str:
        return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'

    names = ("事業名", "指標", "年度", "実績値")
    header = "".join(cell(f"{col}1", name) for col, name in zip("ABCD", names, strict=True))
    row = cell("A2", "火災調査") + cell("B2", "件数") + '<c r="C2"><v>2026</v></c><c r="D2"><v>4.5</v></c>'
    inline = ('<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
              f'<row r="1">{header}</row><row r="2">{row}</row></sheetData></worksheet>').encode()
    return {"seed-template.bin": seed(), "seed-sheet-only.bin": TEMPLATE[SHEET], "seed-inline.bin": inline}


def mapping_seeds() -> dict[str, bytes]:
    """Sheets laid out as areas keep them: title rows above a header, years across (令和, R, 平成, 西暦), a grade
    column, 集計中 / ― / ▲ cells, a misspelt indicator; and one row per KPI and year."""
    across = ("北九州都市圏域 連携事業 KPI 実績一覧,,,,\n（単位: 件）,,,,\n"
              "事業名,KPI指標,令和4年度,R5,令和6年度,評価\n"
              "消防局の火災調査,火災調査に関する研修会の開催件数,5,集計中,▲2,A 期待どおり\n"
              '救急医療,救急搬送の件数,"1,234",―,１２,B\n')
    down = ("指標,年度,実績,コメント\n火災調査に関する研修会の開催件数,平成30年度,3,\n"
            "火災調査に関する研修会の開催件数,H31,△1,減少\n火災調査に関する研修会の開催件数,2022年度,未公表,\n")
    return {"seed-across.csv": across.encode(), "seed-down.csv": down.encode(),
            "seed-cp932.csv": across.encode("cp932", errors="replace")}


def main() -> None:
    """Write every target's seeds."""
    text = EXAMPLE.read_text(encoding="utf-8")
    for target, seeds in (("sheet", sheet_seeds(text)), ("quantity", quantity_seeds(text)),
                          ("actuals_csv", actuals_seeds(text, "csv")), ("actuals_xlsx", actuals_seeds(text, "xlsx")),
                          ("actuals_xlsx_parts", parts_seeds()), ("actuals_mapping", mapping_seeds())):
        folder = FUZZ_DIR / "corpus" / target
        folder.mkdir(parents=True, exist_ok=True)
        for name, data in seeds.items():
            (folder / name).write_bytes(data)
        print(f"{target}: {len(seeds)} seeds in {folder}")


if __name__ == "__main__":
    main()
