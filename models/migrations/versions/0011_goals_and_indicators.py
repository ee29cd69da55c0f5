"""goals and indicators: a coalition's goals, their indicators and check-ins; events and
activities count toward an indicator, and an activity records when it became done

Revision ID: 0011
Revises: 0006
Create Date: 2026-11-29 17:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "goals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("coalition_id", sa.Integer(), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("horizon", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["area_id"], ["areas.id"], name=op.f("fk_goals_area_id_areas"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["coalition_id"],
            ["coalitions.id"],
            name=op.f("fk_goals_coalition_id_coalitions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_goals")),
    )
    op.create_index(op.f("ix_goals_coalition_id"), "goals", ["coalition_id"], unique=False)
    op.create_table(
        "indicators",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("coalition_id", sa.Integer(), nullable=False),
        sa.Column("goal_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("unit", sa.String(length=40), nullable=True),
        sa.Column("target", sa.Float(), nullable=False),
        sa.Column("direction", sa.String(length=20), nullable=False),
        sa.Column("period", sa.String(length=20), nullable=False),
        sa.Column("until_on", sa.Date(), nullable=True),
        sa.Column("until_end", sa.DateTime(timezone=True), nullable=True),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("aggregate", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["coalition_id"],
            ["coalitions.id"],
            name=op.f("fk_indicators_coalition_id_coalitions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["goal_id"], ["goals.id"], name=op.f("fk_indicators_goal_id_goals"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_indicators")),
    )
    op.create_index(
        op.f("ix_indicators_coalition_id"), "indicators", ["coalition_id"], unique=False
    )
    op.create_index(op.f("ix_indicators_goal_id"), "indicators", ["goal_id"], unique=False)
    op.create_table(
        "check_ins",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("coalition_id", sa.Integer(), nullable=False),
        sa.Column("indicator_id", sa.Integer(), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["coalition_id"],
            ["coalitions.id"],
            name=op.f("fk_check_ins_coalition_id_coalitions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["indicator_id"],
            ["indicators.id"],
            name=op.f("fk_check_ins_indicator_id_indicators"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_check_ins")),
    )
    op.create_index("ix_check_ins_indicator_at", "check_ins", ["indicator_id", "at"], unique=False)
    with op.batch_alter_table("events") as batch:
        batch.add_column(sa.Column("indicator_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            op.f("fk_events_indicator_id_indicators"),
            "indicators",
            ["indicator_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch.create_index(
            "ix_events_indicator_start", ["indicator_id", "status", "starts_at"], unique=False
        )
    with op.batch_alter_table("activities") as batch:
        batch.add_column(sa.Column("done_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("indicator_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            op.f("fk_activities_indicator_id_indicators"),
            "indicators",
            ["indicator_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch.create_index(
            "ix_activities_indicator_done", ["indicator_id", "status", "done_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("activities") as batch:
        batch.drop_index("ix_activities_indicator_done")
        batch.drop_constraint(op.f("fk_activities_indicator_id_indicators"), type_="foreignkey")
        batch.drop_column("indicator_id")
        batch.drop_column("done_at")
    with op.batch_alter_table("events") as batch:
        batch.drop_index("ix_events_indicator_start")
        batch.drop_constraint(op.f("fk_events_indicator_id_indicators"), type_="foreignkey")
        batch.drop_column("indicator_id")
    op.drop_index("ix_check_ins_indicator_at", table_name="check_ins")
    op.drop_table("check_ins")
    op.drop_index(op.f("ix_indicators_goal_id"), table_name="indicators")
    op.drop_index(op.f("ix_indicators_coalition_id"), table_name="indicators")
    op.drop_table("indicators")
    op.drop_index(op.f("ix_goals_coalition_id"), table_name="goals")
    op.drop_table("goals")
