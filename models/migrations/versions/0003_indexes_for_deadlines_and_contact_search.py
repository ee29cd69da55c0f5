"""indexes for deadlines and contact search

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 14:40:49.227739
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("contacts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_contacts_organisation_id"), ["organisation_id"], unique=False
        )

    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.create_index(
            "ix_events_coalition_kind_start",
            ["coalition_id", "kind", "status", "starts_at"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_index("ix_events_coalition_kind_start")

    with op.batch_alter_table("contacts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contacts_organisation_id"))
