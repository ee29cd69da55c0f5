"""web calendar: event visibility (internal or public), change counters for iCalendar,
imported events' source, members' private feed tokens, partners' feed states

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-29 17:05:20
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "calendar_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("coalition_id", sa.Integer(), nullable=False),
        sa.Column("identity", sa.String(length=100), nullable=False),
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["coalition_id"],
            ["coalitions.id"],
            name=op.f("fk_calendar_tokens_coalition_id_coalitions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calendar_tokens")),
        sa.UniqueConstraint(
            "coalition_id", "identity", name=op.f("uq_calendar_tokens_coalition_id")
        ),
        sa.UniqueConstraint("token", name=op.f("uq_calendar_tokens_token")),
    )
    op.create_table(
        "feed_states",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("coalition_id", sa.Integer(), nullable=False),
        sa.Column("url", sa.String(length=500), nullable=False),
        sa.Column("etag", sa.String(length=300), nullable=True),
        sa.Column("last_modified", sa.String(length=100), nullable=True),
        sa.Column("checked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("events", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.String(length=500), nullable=True),
        sa.ForeignKeyConstraint(
            ["coalition_id"],
            ["coalitions.id"],
            name=op.f("fk_feed_states_coalition_id_coalitions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feed_states")),
        sa.UniqueConstraint("coalition_id", "url", name=op.f("uq_feed_states_coalition_id")),
    )
    with op.batch_alter_table("events") as batch:
        batch.add_column(
            sa.Column("visibility", sa.String(length=20), server_default="internal", nullable=False)
        )
        batch.add_column(sa.Column("sequence", sa.Integer(), server_default="0", nullable=False))
        batch.add_column(sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("source", sa.String(length=500), nullable=True))
        batch.add_column(sa.Column("source_uid", sa.String(length=300), nullable=True))
        batch.create_index(
            "ix_events_coalition_visibility_start",
            ["coalition_id", "visibility", "starts_at"],
            unique=False,
        )
        batch.create_index(
            "ix_events_source_uid", ["coalition_id", "source", "source_uid"], unique=True
        )
    op.execute(sa.text("UPDATE events SET updated_at = CURRENT_TIMESTAMP"))


def downgrade() -> None:
    with op.batch_alter_table("events") as batch:
        batch.drop_index("ix_events_source_uid")
        batch.drop_index("ix_events_coalition_visibility_start")
        batch.drop_column("source_uid")
        batch.drop_column("source")
        batch.drop_column("updated_at")
        batch.drop_column("sequence")
        batch.drop_column("visibility")
    op.drop_table("feed_states")
    op.drop_table("calendar_tokens")
