"""Single sign-on through OpenID Connect (``[sso]`` in settings.toml). Off unless configured."""

from __future__ import annotations

from command_center import config


def enabled() -> bool:
    return bool(config.get("sso", "issuer", ""))


def routes() -> list:
    return []
