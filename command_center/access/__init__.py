"""Who may use the dashboard: accounts, roles, sessions, wall tokens, the gate and the audit trail.

* :mod:`.store` — the access file (SQLite, beside the warehouse): users, sessions, wall tokens.
* :mod:`.roles` — roles from ``settings.toml`` ``[roles.*]``: pages, export, unmask, import.
* :mod:`.accounts` — local accounts: argon2 hashes, lock-out after repeated failures.
* :mod:`.sessions` — sign-in sessions (idle time-out) and per-screen wall tokens.
* :mod:`.audit` — the append-only audit file (JSON lines, hash-chained).
* :mod:`.gate` — the ASGI middleware and the login / logout / SSO routes (``asgi.py``).
* :mod:`.current` — the signed-in viewer inside a Streamlit run (pages, query scope, unmasking).
"""
