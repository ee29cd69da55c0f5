"""Coalitions, areas, roles, chat bindings and language choices."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, Select, String, and_, bindparam, literal, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from models.entities import Area, ChatBinding, Coalition, Member, Role, UserSetting
from models.errors import Invalid, NotFound, PermissionDenied
from models.reminders import Delivery
from models.services.base import Service, area_view, coalition_view
from models.services.views import AreaView, ChatContext, CoalitionView

LOCALES = ("sl", "en")


@dataclass(frozen=True)
class CoalitionSpec:
    """A coalition as the operator's configuration describes it."""

    slug: str
    name: str
    timezone: str = "Europe/Ljubljana"
    default_locale: str = "sl"
    admins: tuple[str, ...] = ()
    chats: tuple[str, ...] = ()
    event_offsets: tuple[int, ...] | None = None
    deadline_offsets: tuple[int, ...] | None = None
    areas: dict[str, str] = field(default_factory=dict)


@functools.cache
def bound_chat_context() -> Select[*tuple[Any, ...]]:
    """A chat's binding, its coalition and the asker's role there, and the asker's language,
    in one row (of NULLs for what is not stored), for the parameters `chat_id` and `user_id`.

    Built once: making the statement anew costs about as much as running it.
    """
    chat_id, user_id = bindparam("chat_id", type_=String), bindparam("user_id", type_=String)
    asked = select(literal(1).label("asked")).subquery()
    return (
        select(
            ChatBinding.coalition_id,
            ChatBinding.locale,
            select(UserSetting.locale).where(UserSetting.identity == user_id).scalar_subquery(),
            Coalition,
            Member.role,
        )
        .select_from(asked)
        .outerjoin(ChatBinding, ChatBinding.chat_id == chat_id)
        .outerjoin(Coalition, Coalition.id == ChatBinding.coalition_id)
        .outerjoin(Member, and_(Member.coalition_id == Coalition.id, Member.identity == user_id))
    )


class DirectoryService(Service):
    async def context(
        self,
        user_id: str,
        chat_id: str,
        *,
        is_group: bool,
        coalition_hint: str | None = None,
        default_coalition: str | None = None,
    ) -> ChatContext:
        """Which coalition a command is about, the asker's role there, and stored languages.

        One statement for a bound chat or a group, two for a private chat or a coalition named
        in the command (three for a private chat of someone with no role): this runs before
        every command.
        """
        async with self._sessions() as session:
            coalition: Coalition | None = None
            role: Role | None = Role.MEMBER
            if coalition_hint:
                bound_coalition, chat_locale, user_locale = (
                    await session.execute(
                        select(
                            select(ChatBinding.coalition_id)
                            .where(ChatBinding.chat_id == chat_id)
                            .scalar_subquery(),
                            select(ChatBinding.locale)
                            .where(ChatBinding.chat_id == chat_id)
                            .scalar_subquery(),
                            select(UserSetting.locale)
                            .where(UserSetting.identity == user_id)
                            .scalar_subquery(),
                        )
                    )
                ).one()
                coalition, role = await self._with_role(
                    session, Coalition.slug == coalition_hint, user_id
                )
            else:
                bound_coalition, chat_locale, user_locale, coalition, role = (
                    await session.execute(
                        bound_chat_context(), {"chat_id": chat_id, "user_id": user_id}
                    )
                ).one()
                if bound_coalition is None and not is_group:
                    coalition, role = await self._home_coalition(
                        session, user_id, default_coalition
                    )
            return ChatContext(
                coalition=coalition_view(coalition) if coalition else None,
                role=role or Role.MEMBER,
                user_locale=user_locale,
                chat_locale=chat_locale,
                chat_bound=bound_coalition is not None,
            )

    async def _with_role(
        self, session: AsyncSession, which: ColumnElement[bool], user_id: str
    ) -> tuple[Coalition | None, Role]:
        """A coalition and the user's role there (member when none is stored), in one query."""
        row = (
            await session.execute(
                select(Coalition, Member.role)
                .outerjoin(
                    Member, and_(Member.coalition_id == Coalition.id, Member.identity == user_id)
                )
                .where(which)
            )
        ).first()
        if row is None:
            return None, Role.MEMBER
        return row[0], row[1] or Role.MEMBER

    async def _home_coalition(
        self, session: AsyncSession, user_id: str, default_slug: str | None
    ) -> tuple[Coalition | None, Role]:
        """In a private chat: the coalition where the user holds the highest role, and that role."""
        memberships = (
            await session.execute(
                select(Coalition, Member.role)
                .join(Member, Member.coalition_id == Coalition.id)
                .where(Member.identity == user_id)
                .order_by(Coalition.id)
            )
        ).all()
        if memberships:
            ranked = sorted(memberships, key=lambda row: -list(Role).index(row[1]))
            return ranked[0][0], ranked[0][1]
        # no role anywhere: a member of the default (else the first) coalition
        if default_slug:
            default = await session.scalar(select(Coalition).where(Coalition.slug == default_slug))
            return default, Role.MEMBER
        first = await session.scalar(select(Coalition).order_by(Coalition.id).limit(1))
        return first, Role.MEMBER

    async def coalitions(self) -> list[CoalitionView]:
        async with self._sessions() as session:
            rows = await session.scalars(select(Coalition).order_by(Coalition.id))
            return [coalition_view(c) for c in rows]

    async def areas(self, coalition_slug: str) -> list[AreaView]:
        async with self._sessions() as session:
            coalition = await self._coalition(session, coalition_slug)
            rows = await session.scalars(
                select(Area).where(Area.coalition_id == coalition.id).order_by(Area.id)
            )
            return [AreaView(a.id, a.slug, a.name) for a in rows]

    async def bind_chat(
        self, actor: str, chat_id: str, coalition_slug: str, area: str | None = None
    ) -> tuple[CoalitionView, AreaView | None]:
        """Binds a group to a coalition, its reminders limited to `area` if one; moving it
        from another coalition needs admin rights there too."""
        async with self._sessions.begin() as session:
            coalition = await self._coalition(session, coalition_slug)
            await self._require(session, coalition.id, actor, Role.ADMIN)
            area_row = await self._area(session, coalition.id, area) if area else None
            binding = await session.scalar(
                select(ChatBinding).where(ChatBinding.chat_id == chat_id)
            )
            if binding is None:
                binding = ChatBinding(chat_id=chat_id, coalition_id=coalition.id)
                session.add(binding)
            elif binding.coalition_id != coalition.id:
                await self._require(session, binding.coalition_id, actor, Role.ADMIN)
                binding.coalition_id = coalition.id
            binding.area_id = area_row.id if area_row else None
            binding.active = True
            binding.bound_by = actor
            binding.bound_at = self._clock()
            detail: dict[str, object] | None = {"area": area_row.slug} if area_row else None
            self._audit(session, coalition.id, actor, "chat.bind", f"chat:{chat_id}", detail)
            return coalition_view(coalition), area_view(area_row)

    async def set_role(self, actor: str, coalition_slug: str, identity: str, role: Role) -> None:
        async with self._sessions.begin() as session:
            coalition = await self._coalition(session, coalition_slug)
            await self._require(session, coalition.id, actor, Role.ADMIN)
            if identity == actor and role is not Role.ADMIN:
                raise Invalid("role", "own_admin")
            await self._upsert_member(session, coalition.id, identity, role)
            self._audit(
                session,
                coalition.id,
                actor,
                "member.role",
                f"member:{identity}",
                {"role": role.value},
            )

    async def set_user_locale(self, identity: str, locale: str) -> None:
        if locale not in LOCALES:
            raise Invalid("locale", "unknown")
        async with self._sessions.begin() as session:
            setting = await session.get(UserSetting, identity)
            if setting is None:
                session.add(UserSetting(identity=identity, locale=locale))
            else:
                setting.locale = locale
            self._audit(
                session, None, identity, "user.locale", f"user:{identity}", {"locale": locale}
            )

    async def set_chat_locale(self, actor: str, chat_id: str, locale: str) -> None:
        if locale not in LOCALES:
            raise Invalid("locale", "unknown")
        async with self._sessions.begin() as session:
            binding = await session.scalar(
                select(ChatBinding).where(ChatBinding.chat_id == chat_id)
            )
            if binding is None:
                raise NotFound("chat", chat_id)
            await self._require(session, binding.coalition_id, actor, Role.COORDINATOR)
            binding.locale = locale
            self._audit(
                session,
                binding.coalition_id,
                actor,
                "chat.locale",
                f"chat:{chat_id}",
                {"locale": locale},
            )

    async def set_chat_active(self, chat_id: str, active: bool) -> bool:
        """Marks a bound chat (in)active, e.g. when the platform says the bot was removed."""
        async with self._sessions.begin() as session:
            binding = await session.scalar(
                select(ChatBinding).where(ChatBinding.chat_id == chat_id)
            )
            if binding is None or binding.active == active:
                return False
            binding.active = active
            self._audit(
                session,
                binding.coalition_id,
                "system",
                "chat.active",
                f"chat:{chat_id}",
                {"active": active},
            )
            return True

    async def move_chat(self, old_chat_id: str, new_chat_id: str) -> bool:
        """The platform gave a chat a new id (a Telegram group became a supergroup): its
        binding and language go along. False when there was nothing to move."""
        async with self._sessions.begin() as session:
            bindings = {
                binding.chat_id: binding
                for binding in await session.scalars(
                    select(ChatBinding).where(ChatBinding.chat_id.in_((old_chat_id, new_chat_id)))
                )
            }
            old = bindings.get(old_chat_id)
            if old is None or new_chat_id in bindings:
                return False
            old.chat_id = new_chat_id
            old.active = True
            # what was sent there counts as sent to the new id (a cancellation goes once)
            sent_to_new = select(Delivery.reminder_id).where(Delivery.destination == new_chat_id)
            await session.execute(
                update(Delivery)
                .where(
                    Delivery.destination == old_chat_id, Delivery.reminder_id.not_in(sent_to_new)
                )
                .values(destination=new_chat_id)
            )
            self._audit(
                session,
                old.coalition_id,
                "system",
                "chat.moved",
                f"chat:{old_chat_id}",
                {"to": new_chat_id},
            )
            return True

    async def apply_config(self, specs: list[CoalitionSpec]) -> None:
        """Creates or updates the configured coalitions, their admins and bound chats."""
        async with self._sessions.begin() as session:
            for spec in specs:
                coalition = await session.scalar(
                    select(Coalition).where(Coalition.slug == spec.slug)
                )
                if coalition is None:
                    coalition = Coalition(slug=spec.slug)
                    session.add(coalition)
                coalition.name = spec.name
                coalition.timezone = spec.timezone
                coalition.default_locale = spec.default_locale
                coalition.event_offsets = list(spec.event_offsets) if spec.event_offsets else None
                coalition.deadline_offsets = (
                    list(spec.deadline_offsets) if spec.deadline_offsets else None
                )
                await session.flush()
                for slug, name in spec.areas.items():
                    await self._upsert_area(session, coalition.id, slug, name)
                for admin in spec.admins:
                    await self._upsert_member(session, coalition.id, admin, Role.ADMIN)
                for chat_id in spec.chats:
                    binding = await session.scalar(
                        select(ChatBinding).where(ChatBinding.chat_id == chat_id)
                    )
                    if binding is None:
                        session.add(
                            ChatBinding(
                                chat_id=chat_id,
                                coalition_id=coalition.id,
                                bound_by="config",
                                bound_at=self._clock(),
                            )
                        )
                    else:
                        binding.coalition_id = coalition.id

    async def ensure_role(self, coalition_slug: str, identity: str, role: Role) -> None:
        """Gives an identity a role without a permission check (operator and console use)."""
        async with self._sessions.begin() as session:
            coalition = await self._coalition(session, coalition_slug)
            await self._upsert_member(session, coalition.id, identity, role)

    async def _upsert_member(
        self, session: AsyncSession, coalition_id: int, identity: str, role: Role
    ) -> None:
        member = await session.scalar(
            select(Member).where(Member.coalition_id == coalition_id, Member.identity == identity)
        )
        if member is None:
            session.add(Member(coalition_id=coalition_id, identity=identity, role=role))
        else:
            member.role = role

    async def _upsert_area(
        self, session: AsyncSession, coalition_id: int, slug: str, name: str
    ) -> None:
        area = await session.scalar(
            select(Area).where(Area.coalition_id == coalition_id, Area.slug == slug)
        )
        if area is None:
            session.add(Area(coalition_id=coalition_id, slug=slug, name=name))
        else:
            area.name = name


__all__ = ["LOCALES", "CoalitionSpec", "DirectoryService", "NotFound", "PermissionDenied"]
