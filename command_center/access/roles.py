"""Roles, read from ``settings.toml`` ``[roles.<code>]``.

Each role names the pages it may open (url paths, ``"*"`` = every page that is not an
administrator's), whether it may export and download, see names and phones unmasked (each time
with a reason, audited), import data and administer users, and whether its users are limited to
their own communities' rows (``scoped``).
"""

from __future__ import annotations

import dataclasses

from command_center import config
from command_center.pages import admin_pages

ADMIN_PAGES = admin_pages()  # 数据管理, 用户管理, 审计日志 (command_center/pages.py)


@dataclasses.dataclass(frozen=True)
class Role:
    code: str
    name: str
    pages: frozenset[str] | None  # None: every page but the administrator's
    export: bool = False
    unmask: bool = False
    import_data: bool = False
    admin: bool = False
    scoped: bool = False
    sql: bool = False  # the read-only SQL console of 数据探索 (never for a scoped role)

    def may_open(self, url_path: str) -> bool:
        if self.admin:
            return True
        if self.pages is None:
            return url_path not in ADMIN_PAGES
        return url_path in self.pages


class RoleError(ValueError):
    """settings.toml names an unknown role or a role is written wrongly."""


def _role(code: str, spec: dict) -> Role:
    if not isinstance(spec, dict) or not spec.get("name"):
        raise RoleError(f"settings.toml [roles.{code}]：缺少 name（角色的中文名称）")
    pages = spec.get("pages", "*")
    if pages != "*" and not (isinstance(pages, list) and all(isinstance(p, str) for p in pages)):
        raise RoleError(f"settings.toml [roles.{code}] pages：应为 \"*\" 或页面路径列表")
    return Role(
        code=code, name=str(spec["name"]),
        pages=None if pages == "*" else frozenset(pages),
        export=bool(spec.get("export", False)), unmask=bool(spec.get("unmask", False)),
        import_data=bool(spec.get("import", False)), admin=bool(spec.get("admin", False)),
        scoped=bool(spec.get("scoped", False)), sql=bool(spec.get("sql", False)),
    )


def all_roles() -> dict[str, Role]:
    specs = config.settings().get("roles") or {}
    if not specs:
        raise RoleError("settings.toml 缺少 [roles.*] 角色配置")
    return {code: _role(code, spec) for code, spec in specs.items()}


def get(code: str) -> Role:
    roles = all_roles()
    if code not in roles:
        names = "、".join(f"{c}（{r.name}）" for c, r in roles.items())
        raise RoleError(f"未知角色：{code}；可用角色：{names}")
    return roles[code]
