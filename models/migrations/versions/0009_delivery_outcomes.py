"""delivery outcomes: why a send failed (the chat gone, not allowed, setup, content,
unavailable), and subscriptions paused while their chat is gone

Revision ID: 0009
Revises: 0004
Create Date: 2026-11-29 14:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("deliveries") as batch:
        batch.add_column(sa.Column("failure", sa.String(length=20), nullable=True))
    with op.batch_alter_table("subscriptions") as batch:
        batch.add_column(
            sa.Column("reachable", sa.Boolean(), nullable=False, server_default=sa.true())
        )


def downgrade() -> None:
    with op.batch_alter_table("subscriptions") as batch:
        batch.drop_column("reachable")
    with op.batch_alter_table("deliveries") as batch:
        batch.drop_column("failure")
