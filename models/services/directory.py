"""Coalitions, areas, roles, chat bindings and language choices."""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    ScalarSelect,
    Select,
    String,
    and_,
    bindparam,
    select,
    true,
    union_all,
    update,
)
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from models.entities import (
    Area,
    ChatBinding,
    ChatSighting,
    Coalition,
    CoalitionChoice,
    Member,
    Role,
    UserSetting,
)
from models.errors import Invalid, NotFound, PermissionDenied, is_cut_off
from models.freshness import person_seen
from models.reminders import Delivery
from models.services.base import Service, area_view, coalition_id_of, coalition_view
from models.services.batches import Batches
from models.services.views import AreaView, ChatContext, CoalitionView

LOCALES = ("sl", "en")
ANONYMOUS_IDENTITIES = frozenset({"telegram:1087968824", "telegram:136817688"})
"""Identities that stand for no one person: Telegram's GroupAnonymousBot (an admin posting
as the group) and Channel_Bot (someone posting as a channel). They never get a role."""

log = logging.getLogger(__name__)


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


@dataclass(frozen=True)
class PrivateOptions:
    """What is stored about the coalitions one person may see in a private chat."""

    user_locale: str | None
    chosen: str | None
    """The slug of the coalition the person last chose, if any (not yet checked)."""
    roles: tuple[tuple[CoalitionView, Role], ...]
    """Coalitions where the person holds a role."""
    seen: tuple[CoalitionView, ...]
    """Other coalitions: the person was found in one of their bound chats, lately."""
    unknown: tuple[tuple[CoalitionView, tuple[str, ...]], ...]
    """Other coalitions with bound chats on the person's platform not lately checked."""


def stored_locale(identity: str | ColumnElement[str]) -> ScalarSelect[str]:
    """The language a person chose (/language), as a column of NULL when none is stored."""
    return select(UserSetting.locale).where(UserSetting.identity == identity).scalar_subquery()


CONTEXTS_AT_ONCE = 100
"""People whose contexts one statement reads (SQLite takes at most 500 SELECTs in one
compound statement)."""


@functools.lru_cache(maxsize=CONTEXTS_AT_ONCE)
def bound_chat_contexts(people: int) -> Select[*tuple[Any, ...]]:
    """A chat's binding, its coalition, and for each of `people` askers their role there and
    their language, a row per asker (of NULLs for what is not stored), for the parameters
    `chat_id` and `user_0` … `user_{people-1}`.

    Built once per number of askers: making the statement anew costs about as much as
    running it.
    """
    chat_id = bindparam("chat_id", type_=String)
    asked = union_all(
        *(select(bindparam(f"user_{n}", type_=String).label("user_id")) for n in range(people))
    ).subquery("asked")
    return (
        select(
            asked.c.user_id,
            ChatBinding.coalition_id,
            ChatBinding.locale,
            stored_locale(asked.c.user_id),
            Coalition,
            Member.role,
        )
        .select_from(asked)
        .outerjoin(ChatBinding, ChatBinding.chat_id == chat_id)
        .outerjoin(
            Coalition, and_(Coalition.id == ChatBinding.coalition_id, Coalition.retired.is_(False))
        )
        .outerjoin(
            Member, and_(Member.coalition_id == Coalition.id, Member.identity == asked.c.user_id)
        )
    )


class DirectoryService(Service):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._sightings: Batches[None, tuple[str, str, bool], None] = Batches(
            self._record_sightings
        )
        self._bound_contexts: Batches[str, tuple[str, bool], tuple[ChatContext, bool]] = Batches(
            self._contexts_in
        )

    async def context(
        self,
        user_id: str,
        chat_id: str,
        *,
        is_group: bool,
        coalition_hint: str | None = None,
    ) -> ChatContext:
        """Which coalition a command is about, the asker's role there, and stored languages.

        A bound chat gives its coalition; a coalition named in the command (the console's)
        gives that one. A private chat gives none here: who may see what there is decided
        with `private_options` and the platform (handlers/access.py). A retired coalition
        counts as none. One statement, two with a named coalition: this runs before every
        command. Asked for several people of one chat at once, they are read in one session.
        """
        if not coalition_hint:
            context, _recorded = await self._bound_contexts.submit(chat_id, (user_id, False))
            return context
        async with self._sessions() as session:
            bound_coalition, chat_locale, user_locale = (
                await session.execute(
                    select(
                        select(ChatBinding.coalition_id)
                        .where(ChatBinding.chat_id == chat_id)
                        .scalar_subquery(),
                        select(ChatBinding.locale)
                        .where(ChatBinding.chat_id == chat_id)
                        .scalar_subquery(),
                        stored_locale(user_id),
                    )
                )
            ).one()
            coalition, role = await self._with_role(
                session,
                and_(Coalition.slug == coalition_hint, Coalition.retired.is_(False)),
                user_id,
            )
            return ChatContext(
                coalition=coalition_view(coalition) if coalition else None,
                role=role or Role.MEMBER,
                user_locale=user_locale,
                chat_locale=chat_locale,
                chat_bound=bound_coalition is not None,
            )

    async def context_of_writer(self, user_id: str, chat_id: str) -> tuple[ChatContext, bool]:
        """The context of a person who wrote in a group chat (as `context`), with their
        presence there recorded in the same transaction when the chat is bound (what
        `record_presence` writes): the context, and whether the presence was recorded."""
        return await self._bound_contexts.submit(chat_id, (user_id, True))

    async def _contexts_in(
        self, chat_id: str, asked: list[tuple[str, bool]]
    ) -> list[tuple[ChatContext, bool]]:
        """The contexts of these people in a chat, in one statement: the chat's coalition
        (when bound to one not retired), each one's role there and stored languages; for
        those who wrote there, their presence written first in the same transaction. When
        that write fails, the contexts are still read, without it."""
        people = list(dict.fromkeys(user_id for user_id, _wrote in asked))
        writers = list(dict.fromkeys(user_id for user_id, wrote in asked if wrote))
        recorded = False
        found: dict[str, ChatContext] = {}
        if writers:
            try:
                found = await self._read_contexts(chat_id, people, writers)
                recorded = True
            except Exception as error:
                if is_cut_off(error):
                    raise  # a read would fail the same way
                # bookkeeping refused (a full disk, a lock held too long, a rule): the
                # commands go on
                log.warning("presence in %s not recorded: %r", chat_id, error)
        if not recorded:
            found = await self._read_contexts(chat_id, people, [])
        return [
            (found[user_id], recorded and wrote and found[user_id].chat_bound)
            for user_id, wrote in asked
        ]

    async def _read_contexts(
        self, chat_id: str, people: list[str], writers: list[str]
    ) -> dict[str, ChatContext]:
        found: dict[str, ChatContext] = {}
        async with self._sessions.begin() if writers else self._sessions() as session:
            if writers:  # a write first: on SQLite the transaction never upgrades a read
                connection = await session.connection()
                now = self._clock()
                await connection.execute(
                    _bound_sightings_upsert(connection.dialect.name),
                    [{"identity": user_id, "chat_id": chat_id, "at": now} for user_id in writers],
                )
            for first in range(0, len(people), CONTEXTS_AT_ONCE):
                some = people[first : first + CONTEXTS_AT_ONCE]
                rows = await session.execute(
                    bound_chat_contexts(len(some)),
                    {"chat_id": chat_id} | {f"user_{n}": user for n, user in enumerate(some)},
                )
                for user_id, bound_coalition, chat_locale, user_locale, coalition, role in rows:
                    found[user_id] = ChatContext(
                        coalition=coalition_view(coalition) if coalition else None,
                        role=role or Role.MEMBER,
                        user_locale=user_locale,
                        chat_locale=chat_locale,
                        # bound to a retired coalition counts as unbound
                        chat_bound=bound_coalition is not None and coalition is not None,
                    )
            for user_id in writers:
                if found[user_id].chat_bound:  # the presence was written
                    person_seen(session, user_id)
        return found

    async def private_options(
        self, user_id: str, remembered_since: datetime, *, every: bool = False
    ) -> PrivateOptions:
        """What decides which coalitions a person may see in a private chat: their roles,
        their last choice, and the bound chats of the other coalitions on their platform
        with what is remembered (since `remembered_since`) about their presence there.

        The chats are left out when the roles decide (a role, and no other choice), unless
        `every` coalition open to the person is wanted."""
        platform = user_id.split(":", 1)[0] + ":"
        async with self._sessions() as session:
            user_locale, chosen = (
                await session.execute(
                    select(
                        stored_locale(user_id),
                        select(Coalition.slug)
                        .join(CoalitionChoice, CoalitionChoice.coalition_id == Coalition.id)
                        .where(CoalitionChoice.identity == user_id)
                        .scalar_subquery(),
                    )
                )
            ).one()
            roles = (
                await session.execute(
                    select(Coalition, Member.role)
                    .join(Member, Member.coalition_id == Coalition.id)
                    .where(Member.identity == user_id, Coalition.retired.is_(False))
                    .order_by(Coalition.id)
                )
            ).all()
            with_role = {coalition.id for coalition, _ in roles}
            if roles and not every and (chosen is None or any(c.slug == chosen for c, _ in roles)):
                return PrivateOptions(
                    user_locale, chosen, tuple((coalition_view(c), r) for c, r in roles), (), ()
                )
            chats = (
                await session.execute(
                    select(Coalition, ChatBinding.chat_id, ChatSighting.member)
                    .join(ChatBinding, ChatBinding.coalition_id == Coalition.id)
                    .outerjoin(
                        ChatSighting,
                        and_(
                            ChatSighting.identity == user_id,
                            ChatSighting.chat_id == ChatBinding.chat_id,
                            ChatSighting.checked_at >= remembered_since,
                        ),
                    )
                    .where(
                        Coalition.retired.is_(False),
                        Coalition.id.not_in(with_role),
                        ChatBinding.active.is_(True),
                        ChatBinding.chat_id.startswith(platform, autoescape=True),
                    )
                    .order_by(Coalition.id, ChatSighting.checked_at.desc(), ChatBinding.id)
                )
            ).all()
        seen: dict[int, list[str]] = {}
        unknown: dict[int, list[str]] = {}
        views: dict[int, CoalitionView] = {}
        for coalition, chat, member in chats:
            views[coalition.id] = coalition_view(coalition)
            if member is None:
                unknown.setdefault(coalition.id, []).append(chat)
            elif member:
                seen.setdefault(coalition.id, []).append(chat)
        return PrivateOptions(
            user_locale=user_locale,
            chosen=chosen,
            roles=tuple((coalition_view(c), role) for c, role in roles),
            seen=tuple(views[i] for i in seen),
            unknown=tuple(
                (views[i], tuple(chats)) for i, chats in unknown.items() if i not in seen
            ),
        )

    async def record_presence(self, user_id: str, chat_id: str, member: bool) -> None:
        """Remembers whether a person is in a chat (they wrote there, or the platform said).
        Those that come while others are written are written together next."""
        await self._sightings.submit(None, (user_id, chat_id, member))

    async def _record_sightings(
        self, _key: None, sightings: list[tuple[str, str, bool]]
    ) -> list[None]:
        """One statement for them all, the last word on a person in a chat winning; what is
        remembered of these people's private chats is forgotten, and nothing else."""
        now = self._clock()
        latest = {(user_id, chat_id): member for user_id, chat_id, member in sightings}
        async with self._sessions.begin() as session:
            connection = await session.connection()
            await connection.execute(
                _sightings_upsert(connection.dialect.name),
                [
                    {"identity": user_id, "chat_id": chat_id, "member": member, "checked_at": now}
                    for (user_id, chat_id), member in latest.items()
                ],
            )
            for user_id, _chat_id in latest:
                person_seen(session, user_id)
        return [None] * len(sightings)

    async def choose_coalition(self, user_id: str, coalition_slug: str) -> None:
        """Remembers the coalition a person's private chat is about (who may is checked
        before: handlers/access.py)."""
        now = self._clock()
        async with self._sessions.begin() as session:
            coalition = await self._coalition(session, coalition_slug)
            choice = await session.get(CoalitionChoice, user_id)
            if choice is None:
                session.add(
                    CoalitionChoice(identity=user_id, coalition_id=coalition.id, chosen_at=now)
                )
            else:
                choice.coalition_id = coalition.id
                choice.chosen_at = now

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

    async def coalitions(self) -> list[CoalitionView]:
        async with self._sessions() as session:
            rows = await session.scalars(
                select(Coalition).where(Coalition.retired.is_(False)).order_by(Coalition.id)
            )
            return [coalition_view(c) for c in rows]

    async def areas(self, coalition_slug: str) -> list[AreaView]:
        async with self._sessions() as session:
            rows = (
                await session.execute(
                    select(Area.id, Area.slug, Area.name)
                    .where(Area.coalition_id == coalition_id_of(coalition_slug))
                    .order_by(Area.id)
                )
            ).all()
            if not rows:
                await self._require_coalition(session, coalition_slug)
            return [AreaView(id_, slug, name) for id_, slug, name in rows]

    async def bind_chat(
        self, actor: str, chat_id: str, coalition_slug: str, area: str | None = None
    ) -> tuple[CoalitionView, AreaView | None]:
        """Binds a group to a coalition, its reminders limited to `area` if one; moving it
        from another coalition needs admin rights there too."""
        async with self._sessions.begin() as session:
            coalition = await self._coalition(session, coalition_slug)
            if coalition.retired:
                raise NotFound("coalition", coalition_slug)
            await self._require(session, coalition.id, actor, Role.ADMIN)
            area_row = await self._area(session, coalition.id, area) if area else None
            binding = await session.scalar(
                select(ChatBinding).where(ChatBinding.chat_id == chat_id)
            )
            if binding is None:
                binding = ChatBinding(chat_id=chat_id, coalition_id=coalition.id)
                session.add(binding)
            elif binding.coalition_id != coalition.id:
                previous = await session.get(Coalition, binding.coalition_id)
                if previous is not None and not previous.retired:
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
            coalition = await self._coalition_for(session, coalition_slug, actor, Role.ADMIN)
            if identity == actor and role is not Role.ADMIN:
                raise Invalid("role", "own_admin")
            if identity in ANONYMOUS_IDENTITIES:
                raise Invalid("role", "anonymous")
            member = await self._upsert_member(session, coalition.id, identity, role)
            member.from_config = False  # given here: the configuration no longer takes it back
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

    async def apply_config(self, specs: list[CoalitionSpec], *, complete: bool = False) -> None:
        """Creates or updates the configured coalitions, their admins and bound chats.

        With `complete` (at start, the whole configuration): admins the configuration granted
        and no longer lists become members again (roles given with /role stay), and a
        coalition once configured and no longer listed is retired: its data stays, it neither
        answers nor sends until it is listed again. Only a complete application marks a
        coalition as the configuration's (a partial one, e.g. a test's, leaves that alone).
        """
        async with self._sessions.begin() as session:
            for spec in specs:
                coalition = await session.scalar(
                    select(Coalition).where(Coalition.slug == spec.slug)
                )
                if coalition is None:
                    coalition = Coalition(slug=spec.slug)
                    session.add(coalition)
                elif coalition.retired:
                    log.info("coalition %s is configured again and answers again", spec.slug)
                coalition.name = spec.name
                coalition.timezone = spec.timezone
                coalition.default_locale = spec.default_locale
                coalition.event_offsets = list(spec.event_offsets) if spec.event_offsets else None
                coalition.deadline_offsets = (
                    list(spec.deadline_offsets) if spec.deadline_offsets else None
                )
                if complete:
                    coalition.from_config = True
                coalition.retired = False
                await session.flush()
                for slug, name in spec.areas.items():
                    await self._upsert_area(session, coalition.id, slug, name)
                for admin in spec.admins:
                    if admin in ANONYMOUS_IDENTITIES:
                        raise Invalid("role", "anonymous")
                    member = await self._upsert_member(session, coalition.id, admin, Role.ADMIN)
                    member.from_config = True
                if complete:
                    await self._demote_unlisted(session, coalition, spec.admins)
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
            if complete:
                await self._retire_unlisted(session, {spec.slug for spec in specs})

    async def _demote_unlisted(
        self, session: AsyncSession, coalition: Coalition, admins: tuple[str, ...]
    ) -> None:
        """Config-granted admins the configuration no longer lists become members."""
        unlisted = await session.scalars(
            select(Member).where(
                Member.coalition_id == coalition.id,
                Member.from_config.is_(True),
                Member.identity.not_in(admins),
            )
        )
        for member in unlisted:
            log.info(
                "%s is no longer an admin of %s: the configuration does not list them",
                member.identity,
                coalition.slug,
            )
            member.role = Role.MEMBER
            member.from_config = False
            self._audit(
                session,
                coalition.id,
                "config",
                "member.role",
                f"member:{member.identity}",
                {"role": Role.MEMBER.value},
            )

    async def _retire_unlisted(self, session: AsyncSession, listed: set[str]) -> None:
        """Coalitions once configured and no longer listed stop answering and sending."""
        gone = await session.scalars(
            select(Coalition).where(
                Coalition.from_config.is_(True),
                Coalition.retired.is_(False),
                Coalition.slug.not_in(listed),
            )
        )
        for coalition in gone:
            log.warning(
                "coalition %s is no longer in the configuration: it stays in the database "
                "but neither answers nor sends reminders",
                coalition.slug,
            )
            coalition.retired = True
            self._audit(session, coalition.id, "config", "coalition.retired", coalition.slug)

    async def ensure_role(self, coalition_slug: str, identity: str, role: Role) -> None:
        """Gives an identity a role without a permission check (operator and console use)."""
        if identity in ANONYMOUS_IDENTITIES:
            raise Invalid("role", "anonymous")
        async with self._sessions.begin() as session:
            coalition = await self._coalition(session, coalition_slug)
            await self._upsert_member(session, coalition.id, identity, role)

    async def _upsert_member(
        self, session: AsyncSession, coalition_id: int, identity: str, role: Role
    ) -> Member:
        member = await session.scalar(
            select(Member).where(Member.coalition_id == coalition_id, Member.identity == identity)
        )
        if member is None:
            member = Member(coalition_id=coalition_id, identity=identity, role=role)
            session.add(member)
        else:
            member.role = role
        return member

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


__all__ = [
    "ANONYMOUS_IDENTITIES",
    "LOCALES",
    "CoalitionSpec",
    "DirectoryService",
    "NotFound",
    "PermissionDenied",
    "PrivateOptions",
]


@functools.cache
def _bound_sightings_upsert(dialect: str) -> Any:
    """The presence of the person `identity` who wrote in the chat `chat_id` at `at`, written
    only when the chat is bound to a coalition that is not retired (as its context is read),
    whether or not it was known (built once)."""
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    bound = (
        select(ChatBinding.id)
        .join(Coalition, Coalition.id == ChatBinding.coalition_id)
        .where(ChatBinding.chat_id == bindparam("chat_id"), Coalition.retired.is_(False))
        .exists()
    )
    written = select(
        bindparam("identity", type_=String),
        bindparam("chat_id", type_=String),
        true(),
        bindparam("at", type_=ChatSighting.__table__.c.checked_at.type),
    ).where(bound)
    statement = insert(ChatSighting).from_select(
        ["identity", "chat_id", "member", "checked_at"], written
    )
    return statement.on_conflict_do_update(
        index_elements=[ChatSighting.identity, ChatSighting.chat_id],
        set_={"member": statement.excluded.member, "checked_at": statement.excluded.checked_at},
    )


@functools.cache
def _sightings_upsert(dialect: str) -> Any:
    """A person's presence in a chat, written whether or not it was known (built once)."""
    statement = (postgresql_insert if dialect == "postgresql" else sqlite_insert)(ChatSighting)
    return statement.on_conflict_do_update(
        index_elements=[ChatSighting.identity, ChatSighting.chat_id],
        set_={"member": statement.excluded.member, "checked_at": statement.excluded.checked_at},
    )
