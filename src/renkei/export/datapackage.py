"""Tables as open data: CSV (UTF-8 with BOM, CRLF, one header row), JSON and a Frictionless ``datapackage.json``.

A :class:`Table` is a named list of rows with a Table Schema (fields, types, primary key, foreign keys).
:func:`write_package` writes each table as ``<name>.csv`` and ``<name>.json`` and describes them all in
``datapackage.json`` (https://specs.frictionlessdata.io/data-package/) with the licence and the source.
A missing value is an empty CSV cell and ``null`` in JSON, never 0; booleans are written 1 and 0. A table with no
rows yet (no actuals early in a plan) is a CSV file of its header row and a JSON file ``[]``: the package stays
valid (see :func:`json_resource`).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from renkei.domain.csv_cell import neutralise

#: Licences a package can carry: id → (title, URL).
LICENCES: dict[str, tuple[str, str]] = {
    "CC-BY-4.0": ("Creative Commons Attribution 4.0 International（CC BY 4.0）",
                  "https://creativecommons.org/licenses/by/4.0/"),
    "CC0-1.0": ("Creative Commons Zero v1.0 Universal（CC0）", "https://creativecommons.org/publicdomain/zero/1.0/"),
    "CC-BY-SA-4.0": ("Creative Commons Attribution Share-Alike 4.0 International（CC BY-SA 4.0）",
                     "https://creativecommons.org/licenses/by-sa/4.0/"),
    "ODC-BY-1.0": ("Open Data Commons Attribution License v1.0", "https://opendatacommons.org/licenses/by/1-0/"),
    "PDL-1.0": ("公共データ利用規約（第1.0版）", "https://www.digital.go.jp/resources/open_data/public_data_license_v1.0"),
}
TYPES = frozenset({"string", "integer", "number", "boolean"})


class PackageError(ValueError):
    """A package that cannot be written (an unknown licence, a table that breaks its own schema)."""


@dataclass(frozen=True, slots=True)
class Field:
    """A column: its name (the CSV header), Table Schema type, and what it means in Japanese and English."""

    name: str
    type: str
    title: str
    description: str = ""
    required: bool = False
    pattern: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """Return the Table Schema field descriptor."""
        out: dict[str, Any] = {"name": self.name, "type": self.type, "title": self.title}
        if self.description:
            out["description"] = self.description
        if self.type == "boolean":
            out["trueValues"], out["falseValues"] = ["1"], ["0"]
        constraints: dict[str, Any] = {}
        if self.required:
            constraints["required"] = True
        if self.pattern:
            constraints["pattern"] = self.pattern
        if constraints:
            out["constraints"] = constraints
        return out


@dataclass(frozen=True, slots=True)
class ForeignKey:
    """Columns of this table that name a row of another (``resource`` "" is the table itself)."""

    fields: tuple[str, ...]
    resource: str
    reference: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        """Return the Table Schema foreign key descriptor."""
        return {"fields": list(self.fields), "reference": {"resource": self.resource, "fields": list(self.reference)}}


@dataclass(frozen=True, slots=True)
class Table:
    """A table of open data: rows of values in field order (None for a missing value)."""

    name: str
    title: str
    description: str
    fields: tuple[Field, ...]
    primary_key: tuple[str, ...]
    rows: Sequence[tuple[object, ...]] = field(default_factory=list)
    foreign_keys: tuple[ForeignKey, ...] = ()

    def schema(self) -> dict[str, Any]:
        """Return the Table Schema."""
        return {"fields": [f.to_dict() for f in self.fields], "primaryKey": list(self.primary_key),
                "foreignKeys": [k.to_dict() for k in self.foreign_keys], "missingValues": [""]}

    def records(self) -> list[dict[str, object]]:
        """Return the rows as JSON objects keyed by column name."""
        names = [f.name for f in self.fields]
        return [dict(zip(names, row, strict=True)) for row in self.rows]


def cell_text(value: object) -> str:
    """Write a value as a CSV cell: blank for None, 1/0 for booleans, integers without a decimal point.

    >>> [cell_text(v) for v in (None, True, 2026, 84.5, 3.0, "未定")]
    ['', '1', '2026', '84.5', '3', '未定']
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


def json_value(value: object, kind: str) -> object:
    """Return a value as JSON writes it for a field type (a whole float stays a number, an integer an int).

    >>> json_value(3.0, "number"), json_value(2026, "integer"), json_value(None, "number")
    (3, 2026, None)
    """
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def write_csv(table: Table) -> bytes:
    """Return a table as CSV: UTF-8 with BOM, CRLF line ends, one header row.

    A text (``string``) cell that a spreadsheet would run as a formula gets a single quote before it
    (:mod:`renkei.domain.csv_cell`); numbers, booleans and the JSON file are written as they are.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    text = [f.type == "string" for f in table.fields]
    writer.writerow([neutralise(f.name) for f in table.fields])
    writer.writerows([neutralise(cell_text(v)) if is_text else cell_text(v)
                      for v, is_text in zip(row, text, strict=True)] for row in table.rows)
    return buffer.getvalue().encode("utf-8-sig")


def write_json(table: Table) -> bytes:
    """Return a table as a JSON array of objects (UTF-8, Japanese as is)."""
    kinds = [f.type for f in table.fields]
    records = [{f.name: json_value(v, k) for f, v, k in zip(table.fields, row, kinds, strict=True)}
               for row in table.rows]
    return (json.dumps(records, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def check_table(table: Table) -> None:
    """Raise PackageError when a table breaks its own schema: row width, types, a duplicate or blank key."""
    names = [f.name for f in table.fields]
    if any(f.type not in TYPES for f in table.fields) or len(set(names)) != len(names):
        raise PackageError(f"{table.name}: unknown types or duplicate columns")
    key_at = [names.index(k) for k in table.primary_key]
    seen: set[tuple[object, ...]] = set()
    for number, row in enumerate(table.rows, start=2):
        if len(row) != len(names):
            raise PackageError(f"{table.name} row {number}: {len(row)} values for {len(names)} columns")
        key = tuple(row[i] for i in key_at)
        if any(v is None or v == "" for v in key) or key in seen:
            raise PackageError(f"{table.name} row {number}: blank or repeated primary key {key}")
        seen.add(key)


def package_descriptor(tables: Sequence[Table], meta: dict[str, Any], licence: str) -> dict[str, Any]:
    """Return the ``datapackage.json`` descriptor: metadata, licence and one CSV and one JSON resource per table."""
    if licence not in LICENCES:
        raise PackageError(f"ライセンス「{licence}」は使えません（{', '.join(LICENCES)}） / unknown licence")
    title, path = LICENCES[licence]
    resources: list[dict[str, Any]] = []
    for table in tables:
        common = {"title": table.title, "description": table.description, "schema": table.schema()}
        resources.append({"name": table.name, "path": f"{table.name}.csv", "format": "csv", "mediatype": "text/csv",
                          "encoding": "utf-8-sig", "profile": "tabular-data-resource",
                          "dialect": {"delimiter": ",", "lineTerminator": "\r\n", "header": True}, **common})
    resources.extend(json_resource(table) for table in tables)
    tabular = all(r["profile"] == "tabular-data-resource" for r in resources)
    return {"profile": "tabular-data-package" if tabular else "data-package", **meta,
            "licenses": [{"name": licence, "title": title, "path": path}], "resources": resources}


def json_resource(table: Table) -> dict[str, Any]:
    """Describe a table's JSON copy: a tabular resource, or a plain JSON file while the table has no rows.

    A JSON table is an array of records, and an empty array has no header to read (frictionless cannot take it
    as a table), yet no rows is the normal state of actuals and evaluations early in a plan. The CSV copy, a
    header row alone, stays the described table; the empty JSON copy is then listed as a plain JSON file.

    >>> empty = Table("actuals", "実績値", "", (Field("ID", "string", "ID"),), ("ID",))
    >>> json_resource(empty)["profile"], "schema" in json_resource(empty)
    ('data-resource', False)
    >>> json_resource(Table("a", "A", "", empty.fields, ("ID",), [("x",)]))["profile"]
    'tabular-data-resource'
    """
    common = {"name": f"{table.name}-json", "path": f"{table.name}.json", "format": "json",
              "mediatype": "application/json", "encoding": "utf-8", "title": f"{table.title}（JSON）"}
    if not table.rows:
        return {**common, "profile": "data-resource",
                "description": f"{table.description}（行はまだありません。空の配列です。列は {table.name}.csv を参照 / "
                               f"no rows yet: an empty array; the columns are those of {table.name}.csv）"}
    schema = {**table.schema(), "foreignKeys": []}  # the keys are checked once, on the CSV files
    return {**common, "profile": "tabular-data-resource", "description": table.description, "schema": schema}


def write_package(folder: Path, tables: Sequence[Table], meta: dict[str, Any], licence: str) -> list[Path]:
    """Write every table as CSV and JSON and the ``datapackage.json`` describing them; return the files written."""
    for table in tables:
        check_table(table)
    descriptor = package_descriptor(tables, meta, licence)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for table in tables:
        for suffix, data in (("csv", write_csv(table)), ("json", write_json(table))):
            path = folder / f"{table.name}.{suffix}"
            path.write_bytes(data)
            written.append(path)
    index = folder / "datapackage.json"
    index.write_text(json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return [*written, index]
