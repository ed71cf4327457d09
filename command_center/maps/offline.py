"""Make a folium map load nothing from outside.

folium elements declare their JS/CSS as CDN URLs (``default_js`` / ``default_css``);
streamlit-folium loads those one after another in the component iframe, and the first that
fails leaves the map blank. ``make_offline`` rewrites every such URL to the copy the app serves
(see ``command_center.ui.assets``) and drops the ones a plain Leaflet map does not need
(jQuery, Bootstrap, Font Awesome, awesome-markers). An element whose asset has no local copy
raises, so an offline regression is an error in tests rather than a blank map on the wall.
"""

from __future__ import annotations

import folium

from command_center.ui.assets import IFRAME_PREFIX, REQUIRED_URLS, cdn_resources, local_name

# folium.Map's defaults that a map of polygons, circles, tooltips and popups never uses
_DROPPED = {"jquery", "bootstrap", "awesome_markers", "bootstrap_css", "glyphicons_css",
            "awesome_markers_font_css", "awesome_markers_css", "awesome_rotate_css"}


class OfflineAssetError(RuntimeError):
    pass


def local_url(cdn_url: str, prefix: str = IFRAME_PREFIX) -> str:
    if cdn_url not in REQUIRED_URLS:
        raise OfflineAssetError(
            f"地图资源没有本地副本：{cdn_url}（在 command_center/ui/assets.py 的 REQUIRED_URLS 中登记）"
        )
    if cdn_url not in cdn_resources():
        raise OfflineAssetError(f"folium-offline 中没有该资源：{cdn_url}")
    return prefix + local_name(cdn_url)


def _walk(element):
    yield element
    for child in getattr(element, "_children", {}).values():
        yield from _walk(child)


def make_offline(m: folium.Map, prefix: str = IFRAME_PREFIX) -> folium.Map:
    """Point every JS/CSS link of ``m`` and its children at the app's own copies."""
    for element in _walk(m):
        for attr in ("default_js", "default_css"):
            links = getattr(element, attr, None)
            if not links:
                continue
            rewritten = [
                (name, url if url.startswith(prefix) else local_url(url, prefix))
                for name, url in links
                if name not in _DROPPED
            ]
            # instance attribute: the class-level lists stay untouched
            setattr(element, attr, rewritten)
    return m
