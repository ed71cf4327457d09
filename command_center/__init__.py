"""平安治理一张图: county social-governance dashboard (data, ingest, maps, UI helpers)."""
