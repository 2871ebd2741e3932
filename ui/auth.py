"""Who the user is. Without sign-in configured the app runs as one local admin."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class User:
    name: str
    role: str  # admin, manager, analyst, rep
    owner_scope: tuple[str, ...] | None = None  # rows a rep may see; None = all

    @property
    def can_load_data(self) -> bool:
        return self.role in {"admin", "analyst"}


LOCAL_ADMIN = User(name="local admin", role="admin")


def current_user() -> User:
    """The user of this script run, looked up on every run (never cached across users)."""
    return LOCAL_ADMIN
