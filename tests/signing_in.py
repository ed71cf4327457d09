"""Signing a test in with a real account and session (imported by the conftests and tests).

Not in tests/conftest.py: importing that module a second time (as ``tests.conftest``) would make
a second fixture folder and point the warehouse path at it.
"""

from __future__ import annotations


def sign_in(role: str = "admin", communities=(), username: str | None = None) -> str:
    """A real session of a (new or existing) local account of ``role``: its cookie value.

    Accounts and sessions live in the fixture folder's access file (beside the warehouse)."""
    from command_center.access import accounts, sessions

    username = username or f"test-{role}"
    if accounts.get(username) is None:
        accounts.add(username, role, password="Test-password-1", communities=communities,
                     display_name=f"测试{username}", by="测试", must_change=False)
    return sessions.start(username, "password")
