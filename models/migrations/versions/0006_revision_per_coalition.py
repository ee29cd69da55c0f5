"""revision per coalition: a change in one coalition refreshes only its remembered answers

`content_revision` is keyed by coalition (row 0 counts personal changes, such as a person's
language), and `person_changes` names the people whose own settings or roles changed, so that
other processes forget what they remembered about those people only.

Revision ID: 0006
Revises: 0004
Create Date: 2026-11-29 14:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.drop_table("content_revision")
    op.create_table(
        "content_revision",
        sa.Column("coalition_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("revision", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("coalition_id", name=op.f("pk_content_revision")),
    )
    op.create_table(
        "person_changes",
        sa.Column("identity", sa.String(length=100), nullable=False),
        sa.Column("revision", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("identity", name=op.f("pk_person_changes")),
    )
    op.create_index(
        op.f("ix_person_changes_revision"), "person_changes", ["revision"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_person_changes_revision"), table_name="person_changes")
    op.drop_table("person_changes")
    op.drop_table("content_revision")
    table = op.create_table(
        "content_revision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("revision", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_content_revision")),
    )
    op.bulk_insert(table, [{"id": 1, "revision": 0}])
