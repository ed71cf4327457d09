"""Map payloads: rendered once per data, templates compiled once per process, the same strings
st_folium would send, bounds not computed from every feature."""

from __future__ import annotations

import copy
import re

import branca.element as branca_element
import jinja2
import pandas as pd
import pytest
import streamlit_folium

from command_center.maps import base, layers, templates
from command_center.maps.offline import make_offline
from command_center.maps.render import cached_payload, digest, render_payload

CELLS = pd.DataFrame({"west": [120.55, 120.56], "south": [27.50, 27.51],
                      "east": [120.555, 120.565], "north": [27.505, 27.515],
                      "incident_count": [3, 9]})
POINTS = pd.DataFrame({"lon": [120.56, 120.58], "lat": [27.52, 27.53], "name": ["甲", "乙"]})


def sample_map(cells: pd.DataFrame = CELLS, points: pd.DataFrame = POINTS, note: str = ""):
    """A map with every kind of element the pages use (a ``cached_payload`` builder)."""
    m = base.county_map()
    codes = [f["properties"]["community_code"] for f in base.communities_geojson()["features"]]
    base.community_layer({c: float(i) for i, c in enumerate(codes)}, name="社区",
                         tooltip=lambda p: f"<b>{p['community_name']}</b>").add_to(m)
    group, items = layers.density_layer(cells, show=True)
    group.add_to(m)
    layers.points_layer(points, name="点位", color="#123456",
                        tooltip=lambda r: f"{r['name']}{note}").add_to(m)
    m.get_root().add_child(layers.legend_panel([("网格", items, "square")]))
    return m


@pytest.fixture()
def compiles(monkeypatch):
    count = {"n": 0}
    original = jinja2.Environment.compile

    def counting(self, *args, **kwargs):
        count["n"] += 1
        return original(self, *args, **kwargs)

    monkeypatch.setattr(jinja2.Environment, "compile", counting)
    return count


def _without_ids(text: str) -> str:
    return re.sub(r"_[0-9a-f]{32}", "_ID", text)


def test_templates_are_compiled_once_per_process(compiles):
    render_payload(sample_map())  # first map: each distinct template source compiled once
    compiles["n"] = 0
    render_payload(sample_map(cells=CELLS.assign(incident_count=[4, 8])))
    assert compiles["n"] == 0


def test_rendering_is_unchanged_by_the_template_cache(monkeypatch):
    """The same figure rendered by branca's own MacroElement.render (each output compiled as a
    template and rendered again) and by ours (outputs kept as text) is byte for byte equal."""
    m = sample_map()
    twin = copy.deepcopy(m)  # same element ids, not rendered yet
    ours = m.get_root().render()
    monkeypatch.setattr(branca_element.MacroElement, "render",
                        templates._ORIGINAL["macro_render"])
    theirs = twin.get_root().render()
    assert len(ours) > 100_000 and ours == theirs


def test_data_that_looks_like_jinja_stays_data():
    """branca compiled each rendered output as a template: a tooltip holding "{%" broke the map
    (TemplateSyntaxError). Kept as text, it is shown as written."""
    html = sample_map(note=" {% x %} {{ y }}").get_root().render()
    assert "{% x %} {{ y }}" in html


def test_rendered_text_resolves_folium_element_references():
    assert templates.RenderedText("a {{'pattern_1'}} b\n").render() == "a pattern_1 b"
    assert templates.RenderedText("{# not a comment #}").render() == "{# not a comment #}"


def test_payload_is_what_st_folium_sends(monkeypatch):
    sent = []
    monkeypatch.setattr(streamlit_folium, "_component_func", lambda **kw: sent.append(kw))
    m = sample_map()
    ours = render_payload(m)
    streamlit_folium.st_folium(make_offline(sample_map()), key="k", use_container_width=True,
                               returned_objects=[])
    theirs = sent[0]
    assert _without_ids(ours.script) == _without_ids(theirs["script"])
    # st_folium strips the CDN <script>/<link> tags it loads itself, leaving their indentation
    assert (re.sub(r"\s+", " ", _without_ids(ours.header))
            == re.sub(r"\s+", " ", _without_ids(theirs["header"])))
    assert _without_ids(ours.html) == _without_ids(theirs["html"])
    assert list(ours.js_links) == theirs["js_links"]
    assert list(ours.css_links) == theirs["css_links"]
    assert all(link.startswith("../../app/static/") for link in ours.js_links + ours.css_links)
    assert ours.map_id == theirs["id"]


def test_bounds_are_passed_in_not_computed_from_features(monkeypatch):
    import folium.features

    def refuse(self):
        raise AssertionError("bounds computed over the features")

    monkeypatch.setattr(folium.features.GeoJson, "_get_self_bounds", refuse)
    p = render_payload(sample_map())
    assert p.bounds == base.county_bounds()
    p = render_payload(sample_map(), bounds=[[27.0, 120.0], [28.0, 121.0]])
    assert p.bounds == ((27.0, 120.0), (28.0, 121.0))


def test_same_data_is_not_built_or_rendered_again():
    calls = []

    def build(cells, points, *, title):
        calls.append(title)
        return sample_map(cells, points)

    first = cached_payload(build, CELLS, POINTS, title="甲")
    again = cached_payload(build, CELLS.copy(), POINTS.copy(), title="甲")
    assert calls == ["甲"] and again == first
    changed = CELLS.assign(incident_count=[3, 10])  # same shape, one value changed
    other = cached_payload(build, changed, POINTS, title="甲")
    assert calls == ["甲", "甲"] and other.script != first.script
    cached_payload(build, CELLS, POINTS, title="乙")
    assert calls == ["甲", "甲", "乙"]


def test_digest_reads_content_and_refuses_what_it_cannot_read():
    assert digest(CELLS, {"a": 1}) == digest(CELLS.copy(), {"a": 1})
    assert digest(CELLS) != digest(CELLS.iloc[::-1])
    assert digest(CELLS) != digest(CELLS.rename(columns={"north": "n"}))
    assert digest(1) != digest("1") and digest(None) != digest("None")
    assert digest(pd.NA) != digest(None) and digest(pd.NaT) == digest(pd.NaT)
    with pytest.raises(TypeError):
        digest(object())


def _county_coordinate() -> str:
    """A vertex of the county boundary as folium writes it into a map."""
    ring = base.county_geojson()["features"][0]["geometry"]["coordinates"]
    while isinstance(ring[0][0], list):
        ring = ring[0]
    return f"[{ring[3][0]}, {ring[3][1]}]"


def test_the_county_boundary_is_a_published_file_not_in_every_map():
    import json

    from command_center.ui import assets

    url = base.county_boundary_url()
    assert url and url.startswith(assets.PUBLISHED_PREFIX)
    path = assets.PUBLISHED_DIR / url.removeprefix(assets.PUBLISHED_PREFIX)
    with open(path, encoding="utf-8") as fh:
        assert json.load(fh) == base.display_geojson(base.county_geojson())
    p = render_payload(base.county_map())
    assert url in p.script and "interactive: false" in p.script
    assert _county_coordinate() not in p.script + p.html + p.header
    # the same content keeps its name (a browser downloads it once); new content a new one
    assert assets.publish("county", path.read_text(encoding="utf-8")) == url


def test_the_boundary_is_embedded_when_its_file_cannot_be_written(monkeypatch, tmp_path):
    from command_center.ui import assets

    blocked = tmp_path / "file"
    blocked.write_text("")  # a file where the folder should be: mkdir fails
    monkeypatch.setattr(assets, "PUBLISHED_DIR", blocked / "geo")
    assert base.county_boundary_url() is None
    p = render_payload(base.county_map())
    assert _county_coordinate() in p.script


def test_a_published_file_removed_while_the_server_runs_is_written_again():
    from command_center.ui import assets

    url = base.county_boundary_url()
    path = assets.PUBLISHED_DIR / url.removeprefix(assets.PUBLISHED_PREFIX)
    path.unlink()
    assert base.county_boundary_url() == url and path.is_file()


def test_publishing_new_content_removes_the_old_file(monkeypatch, tmp_path):
    from command_center.ui import assets

    monkeypatch.setattr(assets, "PUBLISHED_DIR", tmp_path)
    first = assets.publish("county", '{"a": 1}')
    second = assets.publish("county", '{"a": 2}')
    assert first != second
    assert [p.name for p in tmp_path.iterdir()] == [second.rsplit("/", 1)[1]]


def test_the_published_outline_follows_the_tiles_coordinate_system(monkeypatch):
    """高德 tiles (GCJ-02): the outline file is in their coordinates, a file of its own."""
    import json

    from command_center import config
    from command_center.ui import assets

    plain = base.county_boundary_url()
    monkeypatch.setenv("CC_MAP_TILE_URL", "http://127.0.0.1:9/{z}/{x}/{y}.png")
    monkeypatch.setenv("CC_MAP_TILE_CRS", "gcj02")
    config.settings.cache_clear()
    try:
        shifted = base.county_boundary_url()
        assert shifted != plain
        with open(assets.PUBLISHED_DIR / shifted.removeprefix(assets.PUBLISHED_PREFIX),
                  encoding="utf-8") as fh:
            got = json.load(fh)
        ring = got["features"][0]["geometry"]["coordinates"]
        first = base.county_geojson()["features"][0]["geometry"]["coordinates"]
        while isinstance(ring[0][0], list):
            ring, first = ring[0], first[0]
        assert 0.003 < ring[0][0] - first[0][0] < 0.006  # GCJ-02 is east of WGS-84 here
    finally:
        monkeypatch.undo()
        config.settings.cache_clear()
    assert base.county_boundary_url() == plain
