"""contact search folded: names and roles without diacritics, so `sostanj` finds `Šoštanj`

Revision ID: 0010
Revises: 0004
Create Date: 2026-11-29 14:30:00
"""

import unicodedata
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def folded(*parts: str | None) -> str:
    """As models.search.searchable on the day this migration was written."""
    text = " ".join(part for part in parts if part).casefold()
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def upgrade() -> None:
    for table in ("organisations", "contacts"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("search", sa.Text(), server_default="", nullable=False))
    connection = op.get_bind()
    organisations = sa.table(
        "organisations", sa.column("id"), sa.column("name"), sa.column("search")
    )
    named = connection.execute(sa.select(organisations.c.id, organisations.c.name)).all()
    for organisation in named:
        connection.execute(
            organisations.update()
            .where(organisations.c.id == organisation.id)
            .values(search=folded(organisation.name))
        )
    contacts = sa.table(
        "contacts", sa.column("id"), sa.column("name"), sa.column("role"), sa.column("search")
    )
    rows = connection.execute(sa.select(contacts.c.id, contacts.c.name, contacts.c.role)).all()
    for row in rows:
        connection.execute(
            contacts.update()
            .where(contacts.c.id == row.id)
            .values(search=folded(row.name, row.role))
        )


def downgrade() -> None:
    for table in ("contacts", "organisations"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("search")
