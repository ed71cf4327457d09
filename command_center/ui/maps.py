"""Show a folium map in a page: offline assets, bounded events."""

from __future__ import annotations

import folium
from streamlit_folium import st_folium

from command_center.maps.offline import make_offline


def show_map(
    m: folium.Map,
    key: str,
    height: int = 620,
    returned_objects: tuple[str, ...] = ("last_object_clicked_tooltip",),
) -> dict:
    """Render ``m`` with the app's own Leaflet; only ``returned_objects`` trigger reruns
    (panning and zooming do not)."""
    make_offline(m)
    return st_folium(
        m,
        key=key,
        height=height,
        use_container_width=True,
        returned_objects=list(returned_objects),
    ) or {}
