"""What the streamlit-folium component receives, rendered once and cached by its data.

``st_folium`` renders the whole folium tree twice per call (``get_root().render()`` then
``Map.render()``), walks every coordinate for the default ``bounds`` and, through branca,
compiles every element's *rendered output* as a new Jinja template (the GeoJSON included):
at 2M–20M incidents that was most of the 一张图 rerun. Here:

- ``render_payload(m)``: one render pass, the same strings st_folium would send (script,
  header, html, JS/CSS links), bounds passed in (the county's known extent by default);
- ``cached_payload(build, *args, **kw)``: ``build(*args, **kw)`` → folium map → payload, in
  ``st.cache_data`` keyed by a digest of the arguments (DataFrames hashed by content), the
  builder's name and the map settings; a rerun with the same data neither builds nor renders;
- templates compiled once per process: ``command_center.maps.templates`` (installed when the
  package is imported).

A builder must take everything it draws as arguments (no page globals), since the arguments
are the cache key.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import folium
import numpy as np
import pandas as pd
import streamlit as st
import streamlit_folium as sf

from command_center import config
from command_center.maps.offline import make_offline

Bounds = Sequence[Sequence[float]]  # [[south, west], [north, east]]

# ------------------------------------------------------------------ payload


@dataclass(frozen=True)
class MapPayload:
    """The arguments of the streamlit-folium component for one map."""

    script: str
    header: str
    html: str
    map_id: str
    css_links: tuple[str, ...]
    js_links: tuple[str, ...]
    bounds: tuple[tuple[float, float], tuple[float, float]]
    zoom: float | None
    script_hash: str  # of the script with folium's random names stripped (st_folium's rule)
    feature_group: str | None = None

    def nbytes(self) -> int:
        """UTF-8 bytes sent to the browser for this map."""
        return sum(len(s.encode("utf-8")) for s in (self.script, self.header, self.html,
                                                     self.feature_group or ""))


def _links(elements) -> tuple[tuple[str, ...], tuple[str, ...]]:
    css: dict[str, None] = {}
    js: dict[str, None] = {}

    def walk(el):
        for _, href in getattr(el, "default_css", ()):
            css[href] = None
        for _, src in getattr(el, "default_js", ()):
            js[src] = None
        for child in getattr(el, "_children", {}).values():
            walk(child)

    for el in elements:
        walk(el)
    return tuple(css), tuple(js)


def _standard_hash(script: str) -> str:
    return hashlib.sha256(re.sub(r"(_[a-z0-9]+)", "", script).encode()).hexdigest()


def default_bounds() -> tuple[tuple[float, float], tuple[float, float]]:
    from command_center.maps.base import county_bounds

    return county_bounds()


def render_payload(m: folium.Map, *, bounds: Bounds | None = None,
                   feature_groups: Sequence[folium.FeatureGroup] | None = None) -> MapPayload:
    """One render pass of ``m`` (and of ``feature_groups``, layers the component adds to a
    constant base map): the strings st_folium sends, every asset pointed at the app's copy.
    ``bounds`` default to the county's extent (the map is fitted to it), not a walk over every
    coordinate of every layer."""
    make_offline(m)
    for group in feature_groups or ():
        make_offline(group)
    m.get_root().render()
    html = sf._get_html(m)
    header = sf._get_header(m)
    script = sf._get_map_string(m)
    map_id = sf.get_full_id(m)
    fg_script = None
    if feature_groups is not None:
        fg_script = "".join(sf._get_feature_group_string(group, map=m, idx=i)
                            for i, group in enumerate(feature_groups))
    css, js = _links([m])
    (s, w), (n, e) = bounds if bounds is not None else default_bounds()
    return MapPayload(
        script=script, header=header, html=html, map_id=map_id, css_links=css, js_links=js,
        bounds=((float(s), float(w)), (float(n), float(e))), zoom=m.options.get("zoom"),
        script_hash=_standard_hash(script), feature_group=fg_script,
    )


# ------------------------------------------------------------------ digest + cache


def _feed(h, value) -> None:
    if isinstance(value, pd.DataFrame):
        h.update(repr(("df", list(value.columns), [str(t) for t in value.dtypes],
                       value.shape)).encode())
        if len(value):
            h.update(pd.util.hash_pandas_object(value, index=True).to_numpy().tobytes())
    elif isinstance(value, pd.Series):
        _feed(h, value.to_frame())
    elif isinstance(value, dict):
        h.update(b"{")
        for k in sorted(value, key=repr):
            _feed(h, k)
            _feed(h, value[k])
        h.update(b"}")
    elif isinstance(value, list | tuple | set | frozenset):
        items = sorted(value, key=repr) if isinstance(value, set | frozenset) else value
        h.update(f"[{type(value).__name__}".encode())
        for v in items:
            _feed(h, v)
        h.update(b"]")
    elif value is None or value is pd.NA or isinstance(value, str | bool | int | float | np.generic | dt.date
                                      | dt.datetime | dt.timedelta | pd.Timestamp):
        h.update(repr((type(value).__name__, value)).encode())
        h.update(b"\x00")
    else:
        raise TypeError(f"map cache key: cannot digest a {type(value).__name__}")


def digest(*parts) -> str:
    """A content digest of plain values and DataFrames (the map cache's key)."""
    h = hashlib.blake2b(digest_size=20)
    _feed(h, parts)
    return h.hexdigest()


def map_settings() -> tuple:
    """The settings that change what a map looks like beyond its data."""
    return tuple(config.get("map", k) for k in ("tile_url", "tile_crs", "tile_attribution"))


@st.cache_data(max_entries=48, ttl=3600, show_spinner=False)
def _cached(key: str, _build: Callable[..., folium.Map], _args: tuple, _kwargs: dict,
            _bounds: Bounds | None) -> MapPayload:
    return render_payload(_build(*_args, **_kwargs), bounds=_bounds)


def cached_payload(build: Callable[..., folium.Map], *args, bounds: Bounds | None = None,
                   **kwargs) -> MapPayload:
    """``render_payload(build(*args, **kwargs))``, built and rendered only for data (and map
    settings) not seen in the last hour."""
    name = f"{build.__module__}.{build.__qualname__}"
    key = digest(name, args, kwargs, bounds, map_settings())
    return _cached(key, build, args, kwargs, bounds)


@st.cache_data(max_entries=16, ttl=3600, show_spinner=False)
def _cached_layers(key: str, _host: Callable[[], folium.Map], _build: Callable, _args: tuple,
                   _kwargs: dict) -> tuple[str, object]:
    groups, extra = _build(*_args, **_kwargs)
    host = _host()
    for group in groups:
        make_offline(group)
    script = "".join(sf._get_feature_group_string(group, map=host, idx=i)
                     for i, group in enumerate(groups))
    return script, extra


def cached_layers(host: Callable[[], folium.Map], build: Callable, *args,
                  **kwargs) -> tuple[str, object]:
    """Layers swapped into a constant base map (the wall): ``build(*args, **kwargs)`` returns
    (feature groups, anything else); the result is their script, as st_folium's
    ``feature_group_to_add`` sends it, and the anything else; cached like ``cached_payload``."""
    name = f"{build.__module__}.{build.__qualname__}"
    return _cached_layers(digest(name, args, kwargs, map_settings()), host, build, args, kwargs)
