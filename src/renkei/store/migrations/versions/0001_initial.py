"""Create the tables: areas, municipalities, plan editions, projects, KPIs, actuals, findings and audit.

Revision ID: 0001
Revises:
Create Date: 2026-11-28

Written with autogenerate, then checked by hand against ``renkei.store.tables``: the partial
expression index on ``actual`` and the append-only triggers are not something autogenerate sees.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON_TYPE = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")

#: Tables in creation order (dependencies first).
TABLES = (
    "area",
    "audit_event",
    "municipality",
    "area_member",
    "plan",
    "category",
    "finding",
    "plan_import",
    "policy_area",
    "project",
    "budget_line",
    "kpi",
    "project_partner",
    "role",
    "actual",
    "assessment",
    "actual_value_by_municipality",
)

#: History tables: rows are added, never changed or removed.
APPEND_ONLY = ("audit_event", "plan_import")


def create_current_actual_index() -> None:
    """Allow one current actual per KPI and period; month NULL (whole year) counts as a period too."""
    op.create_index(
        "uq_actual_current_period",
        "actual",
        ["kpi_id", "fiscal_year", sa.text("coalesce(month, 0)")],
        unique=True,
        sqlite_where=sa.text("is_current"),
        postgresql_where=sa.text("is_current"),
    )


def create_append_only_triggers() -> None:
    """Make the history tables refuse UPDATE and DELETE, in the database itself."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION renkei_forbid_change() RETURNS trigger LANGUAGE plpgsql AS $$ "
            "BEGIN RAISE EXCEPTION '% is append-only', TG_TABLE_NAME; END $$"
        )
        for table in APPEND_ONLY:
            op.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION renkei_forbid_change()"
            )
        return
    for table in APPEND_ONLY:
        for event in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER {table}_no_{event.lower()} BEFORE {event} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
            )


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "area",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("name_en", sa.String(length=200), nullable=False),
        sa.Column("lead_code", sa.String(length=6), nullable=False),
        sa.Column("plan_first_year", sa.Integer(), nullable=False),
        sa.Column("plan_last_year", sa.Integer(), nullable=False),
        sa.Column("extra_parties", JSON_TYPE, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_area")),
        sa.UniqueConstraint("slug", name=op.f("uq_area_slug")),
    )
    op.create_table(
        "audit_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("action", sa.String(length=50), nullable=False),
        sa.Column("entity", sa.String(length=50), nullable=False),
        sa.Column("entity_key", sa.String(length=1000), nullable=False),
        sa.Column("before", JSON_TYPE, nullable=True),
        sa.Column("after", JSON_TYPE, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_event")),
    )
    op.create_index("ix_audit_event_at", "audit_event", ["at"])
    op.create_index("ix_audit_event_entity", "audit_event", ["entity", "entity_key"])

    op.create_table(
        "municipality",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=6), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("prefecture", sa.String(length=20), nullable=False),
        sa.Column("kana", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_municipality")),
        sa.UniqueConstraint("code", name=op.f("uq_municipality_code")),
    )
    op.create_index("ix_municipality_name", "municipality", ["name"])

    op.create_table(
        "area_member",
        sa.Column("area_id", sa.Integer(), nullable=False),
        sa.Column("municipality_id", sa.Integer(), nullable=False),
        sa.Column("is_lead", sa.Boolean(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["area_id"], ["area.id"], name=op.f("fk_area_member_area_id_area"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["municipality_id"], ["municipality.id"], name=op.f("fk_area_member_municipality_id_municipality")
        ),
        sa.PrimaryKeyConstraint("area_id", "municipality_id", name=op.f("pk_area_member")),
    )
    op.create_index("ix_area_member_municipality_id", "area_member", ["municipality_id"])

    op.create_table(
        "plan",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=False),
        sa.Column("plan_key", sa.String(length=100), nullable=False),
        sa.Column("area_name", sa.String(length=200), nullable=False),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("first_year", sa.Integer(), nullable=False),
        sa.Column("last_year", sa.Integer(), nullable=False),
        sa.Column("source_sha256", sa.String(length=64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("first_year <= last_year", name=op.f("ck_plan_period_order")),
        sa.CheckConstraint("first_year BETWEEN 1900 AND 2200", name=op.f("ck_plan_first_year_range")),
        sa.CheckConstraint("last_year BETWEEN 1900 AND 2200", name=op.f("ck_plan_last_year_range")),
        sa.ForeignKeyConstraint(["area_id"], ["area.id"], name=op.f("fk_plan_area_id_area")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan")),
        sa.UniqueConstraint("area_id", "plan_key", name=op.f("uq_plan_area_id_plan_key")),
    )
    op.create_index("ix_plan_area_id", "plan", ["area_id"])

    op.create_table(
        "category",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("subtitle", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["plan.id"], name=op.f("fk_category_plan_id_plan"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_category")),
    )
    op.create_index("ix_category_plan_id", "category", ["plan_id"])

    op.create_table(
        "finding",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("rule", sa.String(length=100), nullable=False),
        sa.Column("severity", sa.String(length=16), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("line", sa.Integer(), nullable=True),
        sa.Column("project_name", sa.Text(), nullable=True),
        sa.Column("project_key", sa.String(length=500), nullable=True),
        sa.Column("suggestion", sa.Text(), nullable=True),
        sa.CheckConstraint("severity IN ('error', 'warning', 'info')", name=op.f("ck_finding_severity")),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["plan.id"], name=op.f("fk_finding_plan_id_plan"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_finding")),
    )
    op.create_index("ix_finding_plan_id", "finding", ["plan_id"])
    op.create_index("ix_finding_project_key", "finding", ["project_key"])
    op.create_index("ix_finding_rule", "finding", ["rule"])

    op.create_table(
        "plan_import",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("source_sha256", sa.String(length=64), nullable=False),
        sa.Column("source_text", sa.Text(), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("plan_version", sa.Integer(), nullable=False),
        sa.Column("diff", JSON_TYPE, nullable=False),
        sa.ForeignKeyConstraint(["plan_id"], ["plan.id"], name=op.f("fk_plan_import_plan_id_plan")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_import")),
    )
    op.create_index("ix_plan_import_plan_id", "plan_import", ["plan_id"])
    op.create_index("ix_plan_import_source_sha256", "plan_import", ["source_sha256"])

    op.create_table(
        "policy_area",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["plan.id"], name=op.f("fk_policy_area_plan_id_plan"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_policy_area")),
        sa.UniqueConstraint("plan_id", "number", "name", name=op.f("uq_policy_area_plan_id_number_name")),
    )
    op.create_index("ix_policy_area_plan_id", "policy_area", ["plan_id"])

    op.create_table(
        "project",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=500), nullable=False),
        sa.Column("slug", sa.String(length=20), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("relisted", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("policy_area_id", sa.Integer(), nullable=True),
        sa.Column("category_id", sa.Integer(), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("effects", JSON_TYPE, nullable=False),
        sa.Column("partners_text", sa.Text(), nullable=True),
        sa.Column("partners_all_members", sa.Boolean(), nullable=False),
        sa.Column("has_budget", sa.Boolean(), nullable=False),
        sa.Column("budget_unit", sa.String(length=20), nullable=True),
        sa.Column("budget_note", sa.Text(), nullable=True),
        sa.Column("budget_source_line", sa.Integer(), nullable=True),
        sa.Column("cost_basis", sa.String(length=20), nullable=True),
        sa.Column("cost_text", sa.Text(), nullable=True),
        sa.Column("cost_principles", JSON_TYPE, nullable=False),
        sa.Column("extra", JSON_TYPE, nullable=False),
        sa.Column("source_line", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("status IN ('active', 'withdrawn')", name=op.f("ck_project_status")),
        sa.ForeignKeyConstraint(
            ["category_id"], ["category.id"], name=op.f("fk_project_category_id_category")
        ),
        sa.ForeignKeyConstraint(["plan_id"], ["plan.id"], name=op.f("fk_project_plan_id_plan")),
        sa.ForeignKeyConstraint(
            ["policy_area_id"], ["policy_area.id"], name=op.f("fk_project_policy_area_id_policy_area")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_project")),
        sa.UniqueConstraint("plan_id", "key", name=op.f("uq_project_plan_id_key")),
        sa.UniqueConstraint("plan_id", "slug", name=op.f("uq_project_plan_id_slug")),
    )
    op.create_index("ix_project_category_id", "project", ["category_id"])
    op.create_index("ix_project_plan_id", "project", ["plan_id"])
    op.create_index("ix_project_policy_area_id", "project", ["policy_area_id"])

    op.create_table(
        "budget_line",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("fiscal_year", sa.Integer(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.CheckConstraint(
            "status IN ('amount', 'none', 'undetermined', 'not_stated', 'invalid')",
            name=op.f("ck_budget_line_status"),
        ),
        sa.CheckConstraint(
            "fiscal_year BETWEEN 1900 AND 2200", name=op.f("ck_budget_line_fiscal_year_range")
        ),
        sa.ForeignKeyConstraint(
            ["project_id"], ["project.id"], name=op.f("fk_budget_line_project_id_project"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_budget_line")),
        sa.UniqueConstraint("project_id", "fiscal_year", name=op.f("uq_budget_line_project_id_fiscal_year")),
    )
    op.create_index("ix_budget_line_project_id", "budget_line", ["project_id"])

    op.create_table(
        "kpi",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("indicator", sa.Text(), nullable=False),
        sa.Column("indicator_key", sa.String(length=500), nullable=False),
        sa.Column("direction", sa.String(length=16), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("source_line", sa.Integer(), nullable=True),
        sa.Column("baseline_text", sa.Text(), nullable=False),
        sa.Column("baseline_value", sa.Double(), nullable=True),
        sa.Column("baseline_unit", sa.String(length=50), nullable=True),
        sa.Column("baseline_per", sa.String(length=10), nullable=True),
        sa.Column("baseline_kind", sa.String(length=16), nullable=False),
        sa.Column("baseline_fiscal_year", sa.Integer(), nullable=True),
        sa.Column("baseline_from_fiscal_year", sa.Integer(), nullable=True),
        sa.Column("baseline_extra", JSON_TYPE, nullable=False),
        sa.Column("target_text", sa.Text(), nullable=False),
        sa.Column("target_value", sa.Double(), nullable=True),
        sa.Column("target_unit", sa.String(length=50), nullable=True),
        sa.Column("target_per", sa.String(length=10), nullable=True),
        sa.Column("target_kind", sa.String(length=16), nullable=False),
        sa.Column("target_fiscal_year", sa.Integer(), nullable=True),
        sa.Column("target_from_fiscal_year", sa.Integer(), nullable=True),
        sa.Column("target_extra", JSON_TYPE, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("status IN ('active', 'withdrawn')", name=op.f("ck_kpi_status")),
        sa.ForeignKeyConstraint(["project_id"], ["project.id"], name=op.f("fk_kpi_project_id_project")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kpi")),
        sa.UniqueConstraint("project_id", "indicator_key", name=op.f("uq_kpi_project_id_indicator_key")),
    )
    op.create_index("ix_kpi_project_id", "kpi", ["project_id"])

    op.create_table(
        "project_partner",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("municipality_id", sa.Integer(), nullable=True),
        sa.Column("is_lead", sa.Boolean(), nullable=False),
        sa.Column("in_area", sa.Boolean(), nullable=False),
        sa.CheckConstraint(
            "kind IN ('member', 'outside', 'excluded', 'unresolved')", name=op.f("ck_project_partner_kind")
        ),
        sa.ForeignKeyConstraint(
            ["municipality_id"],
            ["municipality.id"],
            name=op.f("fk_project_partner_municipality_id_municipality"),
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["project.id"],
            name=op.f("fk_project_partner_project_id_project"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_project_partner")),
        sa.UniqueConstraint(
            "project_id", "kind", "position", name=op.f("uq_project_partner_project_id_kind_position")
        ),
    )
    op.create_index("ix_project_partner_municipality_id", "project_partner", ["municipality_id"])
    op.create_index("ix_project_partner_project_id", "project_partner", ["project_id"])

    op.create_table(
        "role",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("party", sa.String(length=200), nullable=False),
        sa.Column("duties", JSON_TYPE, nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"], ["project.id"], name=op.f("fk_role_project_id_project"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_role")),
        sa.UniqueConstraint("project_id", "position", name=op.f("uq_role_project_id_position")),
    )
    op.create_index("ix_role_project_id", "role", ["project_id"])

    op.create_table(
        "actual",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kpi_id", sa.Integer(), nullable=False),
        sa.Column("fiscal_year", sa.Integer(), nullable=False),
        sa.Column("month", sa.Integer(), nullable=True),
        sa.Column("value", sa.Double(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("evidence", sa.Text(), nullable=True),
        sa.Column("entered_by", sa.String(length=200), nullable=True),
        sa.Column("entered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("review_status", sa.String(length=16), nullable=False),
        sa.Column("is_current", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "review_status IN ('draft', 'submitted', 'approved')", name=op.f("ck_actual_review_status")
        ),
        sa.CheckConstraint("fiscal_year BETWEEN 1900 AND 2200", name=op.f("ck_actual_fiscal_year_range")),
        sa.CheckConstraint("month IS NULL OR month BETWEEN 1 AND 12", name=op.f("ck_actual_month_range")),
        sa.ForeignKeyConstraint(["kpi_id"], ["kpi.id"], name=op.f("fk_actual_kpi_id_kpi")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_actual")),
    )
    op.create_index("ix_actual_kpi_id", "actual", ["kpi_id"])

    op.create_table(
        "assessment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kpi_id", sa.Integer(), nullable=False),
        sa.Column("fiscal_year", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=50), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("entered_by", sa.String(length=200), nullable=True),
        sa.Column("entered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("review_status", sa.String(length=16), nullable=False),
        sa.CheckConstraint(
            "review_status IN ('draft', 'submitted', 'approved')", name=op.f("ck_assessment_review_status")
        ),
        sa.CheckConstraint("fiscal_year BETWEEN 1900 AND 2200", name=op.f("ck_assessment_fiscal_year_range")),
        sa.ForeignKeyConstraint(["kpi_id"], ["kpi.id"], name=op.f("fk_assessment_kpi_id_kpi")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessment")),
        sa.UniqueConstraint("kpi_id", "fiscal_year", name=op.f("uq_assessment_kpi_id_fiscal_year")),
    )
    op.create_index("ix_assessment_kpi_id", "assessment", ["kpi_id"])

    op.create_table(
        "actual_value_by_municipality",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("actual_id", sa.Integer(), nullable=False),
        sa.Column("municipality_code", sa.String(length=100), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("value", sa.Double(), nullable=False),
        sa.ForeignKeyConstraint(
            ["actual_id"],
            ["actual.id"],
            name=op.f("fk_actual_value_by_municipality_actual_id_actual"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_actual_value_by_municipality")),
        sa.UniqueConstraint(
            "actual_id",
            "municipality_code",
            name=op.f("uq_actual_value_by_municipality_actual_id_municipality_code"),
        ),
    )
    op.create_index(
        "ix_actual_value_by_municipality_actual_id", "actual_value_by_municipality", ["actual_id"]
    )
    op.create_index(
        "ix_actual_value_by_municipality_municipality_code",
        "actual_value_by_municipality",
        ["municipality_code"],
    )
    create_current_actual_index()
    create_append_only_triggers()


def downgrade() -> None:
    """Revert this revision: drop every table, newest dependants first."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS renkei_forbid_change() CASCADE")
    for table in reversed(TABLES):
        op.drop_table(table)
