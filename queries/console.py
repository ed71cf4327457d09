"""Read-only SQL console (数据探索 → SQL 查询) for roles with ``sql = true`` (管理员, 分析员).

A statement runs only when it is one SELECT (``with … select`` included), on the query runner's
scoped connection (``queries.cursor``: the in-memory views over the warehouse, with
``enable_external_access`` off, so no file or URL can be read and no setting changed), with a
time limit (the statement runs on a worker thread; past the limit ``interrupt()`` stops it) and a
row limit (rows are fetched up to the limit, never the whole result). Personal data is masked as
in every query result. The warehouse itself (catalog ``wh``) and the functions that run SQL
text (``query``, ``query_table``) are refused, and a scoped viewer gets no console at all: what
a viewer may read stays the runner's views. Errors come back as Chinese messages
(:class:`ConsoleError`); the page audits every statement.
"""

from __future__ import annotations

import re
import threading

import duckdb
import pandas as pd

from command_center.privacy import mask_frame
from queries import _CURRENT, _scope, cursor

ROW_LIMIT = 1000
SECONDS = 10.0
MAX_CHARS = 20_000
# SQL text run by a function, or the attached warehouse below the scoped views
_FORBIDDEN = re.compile(r"\b(query|query_table|wh|memory|system|temp)\s*[.(]", re.IGNORECASE)


class ConsoleError(ValueError):
    """A statement that was refused or failed, with a Chinese message for the person."""


def _chinese(err: Exception) -> str:
    text = str(err)
    if isinstance(err, duckdb.InterruptException):
        return f"查询超过 {SECONDS:.0f} 秒未完成，已中止；请缩小范围或简化语句。"
    if isinstance(err, duckdb.ParserException):
        return "SQL 语法错误：请检查关键字、括号、引号和逗号。"
    if isinstance(err, duckdb.CatalogException):
        m = re.search(r'with name "?([^"\s]+)"? does not exist', text)
        return (f"没有名为“{m.group(1)}”的表、视图或函数。" if m
                else "引用的表、视图或函数不存在。")
    if isinstance(err, duckdb.BinderException):
        m = re.search(r'column "?([^"\s]+)"? not found', text, re.IGNORECASE)
        return (f"没有名为“{m.group(1)}”的字段。" if m
                else "字段名或表达式有误（例如分组、聚合不匹配）。")
    if isinstance(err, duckdb.PermissionException):
        return "不允许读取文件或外部地址。"
    if isinstance(err, duckdb.ConversionException | duckdb.InvalidInputException):
        return "数据类型转换失败：请检查比较或转换的值。"
    return "语句无法执行，请检查后重试。"


def check(sql: str) -> str:
    """The statement if it may run, else :class:`ConsoleError`."""
    text = (sql or "").strip().rstrip(";").strip()
    if not text:
        raise ConsoleError("请输入一条 SELECT 查询语句。")
    if len(text) > MAX_CHARS:
        raise ConsoleError(f"语句过长（超过 {MAX_CHARS:,} 个字符）。")
    try:
        statements = duckdb.extract_statements(text)
    except duckdb.Error as err:
        raise ConsoleError(_chinese(err)) from None
    if len(statements) != 1:
        raise ConsoleError("一次只能执行一条语句。")
    if statements[0].type != duckdb.StatementType.SELECT:
        raise ConsoleError("只能执行查询语句（SELECT 或 WITH … SELECT），不能修改数据或设置。")
    if _FORBIDDEN.search(text):
        raise ConsoleError("只能查询数据表和视图本身，不能引用数据仓库目录或以文本方式执行 SQL。")
    return text


def run(sql: str, warehouse=None, *, scope=_CURRENT, unmasked: bool | None = None,
        limit: int = ROW_LIMIT, seconds: float = SECONDS) -> tuple[pd.DataFrame, bool]:
    """(rows masked, truncated?) of one checked SELECT on the viewer's scoped connection."""
    text = check(sql)
    scope = _scope(scope)
    if scope is not None:
        raise ConsoleError("按社区限定数据范围的账户不能使用 SQL 查询。")
    cur = cursor(warehouse, scope)
    out: dict = {}

    def work() -> None:
        try:
            res = cur.execute(text)
            cols = [d[0] for d in res.description]
            out["df"] = pd.DataFrame(res.fetchmany(limit + 1), columns=cols)
        except Exception as err:  # handed to the caller's thread
            out["err"] = err

    worker = threading.Thread(target=work, daemon=True, name="sql-console")
    worker.start()
    worker.join(seconds)
    if worker.is_alive():
        cur.interrupt()
        worker.join(5)
        out.setdefault("err", duckdb.InterruptException("timeout"))
    cur.close()
    if "err" in out:
        err = out["err"]
        if isinstance(err, duckdb.Error):
            raise ConsoleError(_chinese(err)) from None
        raise ConsoleError("语句无法执行，请检查后重试。") from None
    df = out["df"]
    truncated = len(df) > limit
    df = df.head(limit)
    if unmasked is None:
        from command_center.access import current
        unmasked = current.unmasking()
    return (df if unmasked else mask_frame(df)), truncated
