"""private access: who may see a coalition in a private chat; what the configuration granted

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29 14:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("coalitions") as batch:
        batch.add_column(
            sa.Column("from_config", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch.add_column(
            sa.Column("retired", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    with op.batch_alter_table("members") as batch:
        batch.add_column(
            sa.Column("from_config", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    op.create_table(
        "coalition_choices",
        sa.Column("identity", sa.String(length=100), nullable=False),
        sa.Column("coalition_id", sa.Integer(), nullable=False),
        sa.Column("chosen_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["coalition_id"],
            ["coalitions.id"],
            name=op.f("fk_coalition_choices_coalition_id_coalitions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("identity", name=op.f("pk_coalition_choices")),
    )
    op.create_table(
        "chat_sightings",
        sa.Column("identity", sa.String(length=100), nullable=False),
        sa.Column("chat_id", sa.String(length=100), nullable=False),
        sa.Column("member", sa.Boolean(), nullable=False),
        sa.Column("checked_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("identity", "chat_id", name=op.f("pk_chat_sightings")),
    )


def downgrade() -> None:
    op.drop_table("chat_sightings")
    op.drop_table("coalition_choices")
    with op.batch_alter_table("members") as batch:
        batch.drop_column("from_config")
    with op.batch_alter_table("coalitions") as batch:
        batch.drop_column("retired")
        batch.drop_column("from_config")
