"""Show a folium map in a page: offline assets, bounded events, rendered once per data.

Pages pass ``cached_payload(builder, *data)`` (no folium work on a rerun with the same data)
or a folium map (rendered once, in one pass). Both reach the streamlit-folium component with
the arguments ``st_folium`` would give it.
"""

from __future__ import annotations

import hashlib

import folium
import streamlit as st
import streamlit_folium

from command_center.maps.render import MapPayload, cached_payload, render_payload

__all__ = ["cached_payload", "mount", "show_map"]


def _defaults(p: MapPayload) -> dict:
    (s, w), (n, e) = p.bounds
    return {
        "last_clicked": None,
        "last_object_clicked": None,
        "last_object_clicked_count": None,
        "last_object_clicked_tooltip": None,
        "last_object_clicked_popup": None,
        "all_drawings": None,
        "last_active_drawing": None,
        "bounds": {"_southWest": {"lat": s, "lng": w}, "_northEast": {"lat": n, "lng": e}},
        "zoom": p.zoom,
        "last_circle_radius": None,
        "last_circle_polygon": None,
        "selected_layers": None,
        "selected_tags": None,
        "last_geocoder_result": None,
    }


def mount(p: MapPayload, *, key: str, height: int, returned_objects: tuple[str, ...],
          feature_group: str | None = None) -> dict:
    """The streamlit-folium component for payload ``p`` (as ``st_folium`` calls it). The
    component is re-mounted when the base script changes; ``feature_group`` (layers added to
    a constant base) is swapped in place."""
    hash_key = hashlib.sha256((p.script_hash + key + "False").encode()).hexdigest()

    def on_change():
        st.session_state[key] = st.session_state.get(hash_key, {})

    return streamlit_folium._component_func(
        script=p.script, header=p.header, html=p.html, id=p.map_id, key=hash_key,
        height=height, width=None, returned_objects=list(returned_objects),
        default={k: v for k, v in _defaults(p).items() if k in returned_objects},
        zoom=None, center=None, feature_group=feature_group, return_on_hover=False,
        layer_control=None, pixelated=False, css_links=list(p.css_links),
        js_links=list(p.js_links), on_change=on_change, wrap_longitude=False,
    ) or {}


def show_map(
    m: folium.Map | MapPayload,
    key: str,
    height: int = 620,
    returned_objects: tuple[str, ...] = ("last_object_clicked_tooltip",),
) -> dict:
    """Render ``m`` with the app's own Leaflet; only ``returned_objects`` trigger reruns
    (panning and zooming do not)."""
    payload = m if isinstance(m, MapPayload) else render_payload(m)
    return mount(payload, key=key, height=height, returned_objects=returned_objects)
