"""rsvp and network: each person's answer to an event, each event's counts and capacity,
the changes of time or place that are announced; links between coalitions and the events
they share

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-29 18:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "event_attendance",
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("coalition_id", sa.Integer(), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=True),
        sa.Column("going", sa.Integer(), nullable=False),
        sa.Column("places", sa.Integer(), nullable=False),
        sa.Column("maybe", sa.Integer(), nullable=False),
        sa.Column("declined", sa.Integer(), nullable=False),
        sa.Column("waiting", sa.Integer(), nullable=False),
        sa.Column("queued", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["coalition_id"],
            ["coalitions.id"],
            name=op.f("fk_event_attendance_coalition_id_coalitions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["events.id"],
            name=op.f("fk_event_attendance_event_id_events"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("event_id", name=op.f("pk_event_attendance")),
    )
    op.create_index(
        op.f("ix_event_attendance_coalition_id"),
        "event_attendance",
        ["coalition_id"],
        unique=False,
    )
    op.create_table(
        "rsvps",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("identity", sa.String(length=100), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("private_chat", sa.String(length=100), nullable=True),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("guests", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=True),
        sa.Column("locale", sa.String(length=8), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["events.id"],
            name=op.f("fk_rsvps_event_id_events"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rsvps")),
        sa.UniqueConstraint("event_id", "identity", name=op.f("uq_rsvps_event_id")),
    )
    op.create_index(op.f("ix_rsvps_identity"), "rsvps", ["identity"], unique=False)
    op.create_index(
        "ix_rsvps_event_state_position",
        "rsvps",
        ["event_id", "state", "position"],
        unique=False,
    )
    op.create_table(
        "event_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("previous_start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("previous_all_day", sa.Boolean(), nullable=False),
        sa.Column("previous_location", sa.String(length=300), nullable=True),
        sa.Column("start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("all_day", sa.Boolean(), nullable=False),
        sa.Column("location", sa.String(length=300), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["events.id"],
            name=op.f("fk_event_changes_event_id_events"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event_changes")),
    )
    op.create_index(op.f("ix_event_changes_event_id"), "event_changes", ["event_id"], unique=False)

    op.create_table(
        "coalition_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("coalition_id", sa.Integer(), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("asked_by", sa.String(length=100), nullable=False),
        sa.Column("asked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("since", sa.DateTime(timezone=True), nullable=True),
        sa.Column("partner_changes", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["coalition_id"],
            ["coalitions.id"],
            name=op.f("fk_coalition_links_coalition_id_coalitions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["partner_id"],
            ["coalitions.id"],
            name=op.f("fk_coalition_links_partner_id_coalitions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_coalition_links")),
        sa.UniqueConstraint(
            "coalition_id", "partner_id", name=op.f("uq_coalition_links_coalition_id")
        ),
    )
    op.create_index(
        op.f("ix_coalition_links_partner_id"), "coalition_links", ["partner_id"], unique=False
    )
    op.create_table(
        "shared_events",
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("coalition_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["coalition_id"],
            ["coalitions.id"],
            name=op.f("fk_shared_events_coalition_id_coalitions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["events.id"],
            name=op.f("fk_shared_events_event_id_events"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("event_id", name=op.f("pk_shared_events")),
    )
    op.create_index(
        op.f("ix_shared_events_coalition_id"), "shared_events", ["coalition_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_shared_events_coalition_id"), table_name="shared_events")
    op.drop_table("shared_events")
    op.drop_index(op.f("ix_coalition_links_partner_id"), table_name="coalition_links")
    op.drop_table("coalition_links")
    op.drop_index(op.f("ix_event_changes_event_id"), table_name="event_changes")
    op.drop_table("event_changes")
    op.drop_index("ix_rsvps_event_state_position", table_name="rsvps")
    op.drop_index(op.f("ix_rsvps_identity"), table_name="rsvps")
    op.drop_table("rsvps")
    op.drop_index(op.f("ix_event_attendance_coalition_id"), table_name="event_attendance")
    op.drop_table("event_attendance")
