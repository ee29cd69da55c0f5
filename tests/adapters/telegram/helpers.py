"""Small helpers shared by the Telegram adapter tests."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import select

from bot.app import App
from models.entities import ChatBinding, Role
from models.services.directory import CoalitionSpec


async def bind_group(app: App, chat_id: int, *, default_locale: str = "sl") -> None:
    """Binds a Telegram group to the demo coalition `sasa`, as the operator's config would."""
    [sasa] = [c for c in await app.services.directory.coalitions() if c.slug == "sasa"]
    spec = CoalitionSpec(slug="sasa", name=sasa.name, timezone=sasa.timezone)
    await app.services.directory.apply_config(
        [replace(spec, default_locale=default_locale, chats=(f"telegram:{chat_id}",))]
    )


async def grant(app: App, user_id: int, role: Role) -> None:
    await app.services.directory.ensure_role("sasa", f"telegram:{user_id}", role)


async def binding_active(app: App, chat_id: int) -> bool | None:
    """Whether the chat's binding is active; None when the chat is not bound."""
    async with app.database.sessions() as session:
        active: bool | None = await session.scalar(
            select(ChatBinding.active).where(ChatBinding.chat_id == f"telegram:{chat_id}")
        )
        return active
