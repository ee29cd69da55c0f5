"""What the domain refuses, in terms a handler can explain to a person."""

from __future__ import annotations

from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from models.entities import Role


class DomainError(Exception):
    """Base of every refusal the services raise; nothing was changed."""


class NotFound(DomainError):
    def __init__(self, what: str, key: object) -> None:
        super().__init__(f"{what} {key!r} not found")
        self.what = what
        self.key = key


class PermissionDenied(DomainError):
    def __init__(self, required: Role) -> None:
        super().__init__(f"needs the role {required.value}")
        self.required = required


class Invalid(DomainError):
    """A value a person typed that cannot be stored; `problem` names the rule."""

    def __init__(
        self,
        field: str,
        problem: str,
        limit: int | None = None,
        *,
        value: str = "",
        choices: tuple[str, ...] = (),
    ) -> None:
        super().__init__(f"{field}: {problem}")
        self.field = field
        self.problem = problem
        self.limit = limit
        self.value = value
        """What was typed, for a problem that names it (an ambiguous name)."""
        self.choices = choices
        """What it could have meant (the entries an ambiguous name matches)."""


def is_cut_off(error: BaseException) -> bool:
    """The connection itself failed (dropped, unusable, or none free in the pool), so a next
    statement would fail the same way; unlike a write refused (a full disk, a read-only
    file, a lock held too long, a rule), after which a read may still succeed."""
    if isinstance(error, InterfaceError | PoolTimeout | ConnectionError):
        return True
    return isinstance(error, DBAPIError) and error.connection_invalidated


def is_unavailable(error: BaseException) -> bool:
    """The database cannot be reached, is locked or dropped the connection: try later."""
    if isinstance(error, OperationalError | InterfaceError | PoolTimeout | ConnectionError):
        return True
    return isinstance(error, DBAPIError) and error.connection_invalidated
