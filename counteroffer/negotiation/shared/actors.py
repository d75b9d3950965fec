"""Who is calling: the host tells the plugin through its ``user_loader``."""
from __future__ import annotations

from dataclasses import dataclass

from .errors import ForbiddenError
from .states import Role

__all__ = ["Actor", "require_buyer"]


@dataclass(frozen=True)
class Actor:
    """The current user as the plugin sees it.

    ``role`` is ``"buyer"`` (then ``company_id`` is required), ``"rep"`` or ``"manager"``.
    """

    id: str
    role: str
    company_id: str | None = None
    name: str = ""
    email: str | None = None

    def __post_init__(self) -> None:
        Role(self.role)  # raises ValueError on a role we do not know
        if self.role == Role.BUYER and not self.company_id:
            raise ValueError("a buyer needs a company_id")


def require_buyer(actor: Actor) -> str:
    """The buyer's company id, or 403 for anyone who is not a buyer."""
    if actor.role != Role.BUYER or not actor.company_id:
        raise ForbiddenError("Only buyers can negotiate prices.")
    return actor.company_id
