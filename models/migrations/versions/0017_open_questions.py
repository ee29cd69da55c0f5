"""open questions: the command a person's next message in a chat completes (a value to
record for an indicator, asked by its button)

Revision ID: 0017
Revises: 0016
Create Date: 2026-11-30 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from models.base import UTCDateTime

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "open_questions",
        sa.Column("identity", sa.String(length=100), nullable=False),
        sa.Column("chat_id", sa.String(length=100), nullable=False),
        sa.Column("command", sa.String(length=200), nullable=False),
        sa.Column("asked_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("identity", "chat_id", name=op.f("pk_open_questions")),
    )
    op.create_index(
        op.f("ix_open_questions_asked_at"), "open_questions", ["asked_at"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_open_questions_asked_at"), table_name="open_questions")
    op.drop_table("open_questions")
