"""Alembic environment: runs on the connection the caller hands over."""

from alembic import context

# registers the tables
from models import entities, goals, held, network, questions, reminders, rsvp  # noqa: F401
from models.base import Base

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through `coalition-bot db upgrade`")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
