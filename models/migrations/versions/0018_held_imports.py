"""held_imports: a file sent for an import, held between its preview and the Confirm

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-01 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "held_imports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("coalition_id", sa.Integer(), nullable=False),
        sa.Column("identity", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(
            ["coalition_id"],
            ["coalitions.id"],
            name=op.f("fk_held_imports_coalition_id_coalitions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_held_imports")),
    )
    op.create_index(
        op.f("ix_held_imports_coalition_id"), "held_imports", ["coalition_id"], unique=False
    )
    op.create_index(op.f("ix_held_imports_identity"), "held_imports", ["identity"], unique=False)
    op.create_index(
        op.f("ix_held_imports_expires_at"), "held_imports", ["expires_at"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_held_imports_expires_at"), table_name="held_imports")
    op.drop_index(op.f("ix_held_imports_identity"), table_name="held_imports")
    op.drop_index(op.f("ix_held_imports_coalition_id"), table_name="held_imports")
    op.drop_table("held_imports")
