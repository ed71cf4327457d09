"""平安治理一张图 — the server: Streamlit's app (app.py) behind the login gate.

Start with ``streamlit run asgi.py`` (``make run``). Every route, the websocket and static files
included, passes ``command_center.access.gate.Gate`` first; ``/login``, ``/logout``,
``/password`` and ``/sso/*`` are the gate's own pages.
"""

import streamlit as st
from starlette.middleware import Middleware

from command_center.access import accounts, gate

app = st.App("app.py", routes=gate.routes(), middleware=[Middleware(gate.Gate)])

# a server started without `make run` (no `ensure`) still gets its first administrator
_password = accounts.ensure_admin()
if _password:
    print("已创建管理员账户 admin，一次性密码（只显示这一次，首次登录后须修改）：" + _password,
          flush=True)
