"""slack seen requests: event ids and slash-command signatures already handled, with expiry

Revision ID: 0007
Revises: 0004
Create Date: 2026-11-29 14:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "slack_seen_requests",
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_slack_seen_requests")),
    )
    with op.batch_alter_table("slack_seen_requests", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_slack_seen_requests_expires_at"), ["expires_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("slack_seen_requests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_slack_seen_requests_expires_at"))
    op.drop_table("slack_seen_requests")
