"""Front-end assets served by the app itself (no CDN): Leaflet for folium maps.

The files are not committed: they are copied at start-up from an installed PyPI package,
``folium-offline``, which carries the content of every folium 0.20 default asset keyed by its
CDN URL. Streamlit's static serving (``server.enableStaticServing``) publishes ``static/`` at
``app/static/``; from inside the streamlit-folium component iframe the relative URL
``../../app/static/vendor/<file>`` reaches it and survives ``server.baseUrlPath``.
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
VENDOR_DIR = ROOT / "static" / "vendor"
# URL of a vendor file as seen from the streamlit-folium component iframe
IFRAME_PREFIX = "../../app/static/vendor/"
# data the maps load as files (the county boundary): written by publish(), named by content
PUBLISHED_DIR = ROOT / "static" / "geo"
PUBLISHED_PREFIX = "../../app/static/geo/"
LEAFLET_JS = "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js"
LEAFLET_CSS = "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.css"
# every asset any of our maps uses: ensure_static_assets() copies exactly these, and
# command_center.maps.offline refuses any other (this module owns the list; offline reads it)
REQUIRED_URLS = [LEAFLET_JS, LEAFLET_CSS]


def cdn_resources() -> dict[str, str]:
    from offlinefolium.elements import _res

    return _res


def local_name(cdn_url: str) -> str:
    """A stable local file name for a CDN URL (its path, flattened)."""
    path = cdn_url.split("://", 1)[-1].split("/", 1)[-1]
    return path.replace("/", "_").replace("@", "-")


def ensure_static_assets(urls: list[str] | None = None) -> list[Path]:
    """Write the given CDN resources (default: every one the maps use) under static/vendor."""
    resources = cdn_resources()
    VENDOR_DIR.mkdir(parents=True, exist_ok=True)
    written = []
    for url in urls or REQUIRED_URLS:
        target = VENDOR_DIR / local_name(url)
        content = resources[url]
        if not target.exists() or target.read_text(encoding="utf-8") != content:
            tmp = target.with_suffix(target.suffix + ".tmp")
            tmp.write_text(content, encoding="utf-8")
            tmp.replace(target)
        written.append(target)
    return written


def publish(stem: str, text: str) -> str | None:
    """``text`` as a file the server publishes (``static/geo/<stem>-<digest>.geojson``), its
    URL from the map iframe. Named by its content, so the browser keeps one download for as
    long as the content holds and a changed file is a new name; older versions of ``stem``
    are removed. Written whole or not at all (renamed into place), so a file of that name is
    that content. None when the folder can't be written (the caller embeds the data)."""
    import hashlib

    data = text.encode("utf-8")
    name = f"{stem}-{hashlib.sha256(data).hexdigest()[:16]}.geojson"
    target = PUBLISHED_DIR / name
    try:
        if not target.is_file():
            PUBLISHED_DIR.mkdir(parents=True, exist_ok=True)
            tmp = target.with_suffix(".tmp")
            tmp.write_bytes(data)
            tmp.replace(target)
            for old in PUBLISHED_DIR.glob(f"{stem}-*.geojson"):
                if old != target:
                    old.unlink(missing_ok=True)
    except OSError:
        return None
    return PUBLISHED_PREFIX + name
