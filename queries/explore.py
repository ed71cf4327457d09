"""数据探索's question builder, now the package ``command_center.explore`` (question, sql, maps,
running); its public names stay importable from here for existing callers and scripts."""

from command_center.explore import *  # noqa: F403
from command_center.explore import __all__  # noqa: F401
