"""Folium/branca Jinja templates compiled once per process, not once per element and render.

branca 0.8.2 ``MacroElement.render`` wraps every rendered macro output in ``Element(output)``,
which compiles the output (for a GeoJson layer: its whole data) as a new Jinja template, every
render; folium's ``GeoJsonTooltip.render`` compiles its CSS template on every call. About 85–100
compilations per 一张图 run, most of the map's render time. ``install_template_cache()`` (run
when ``command_center.maps`` is imported):

- keeps rendered outputs as text (``RenderedText``): what the compiled output rendered to, the
  only Jinja the second pass ever met (folium's ``{{'var'}}`` element references) resolved;
- compiles each distinct template source once (``branca.element.Template``,
  ``folium.features.Template``: the names their per-element code looks up).

``COMPILES["count"]`` counts the compilations made through it (tests, benchmarks).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable

import branca.element as branca_element
import folium.features as folium_features
import folium.template as folium_template
import jinja2

_CACHED_SOURCE_MAX = 20_000  # longer sources are data, not templates: compile, don't keep
# GeoJsonStyleMapper writes an element-valued style as {{'var_name'}} for a second Jinja pass
_ELEMENT_REF = re.compile(r"\{\{\s*'([A-Za-z_$][A-Za-z0-9_$]*)'\s*\}\}")
_ORIGINAL = {"macro_render": branca_element.MacroElement.render}
COMPILES = {"count": 0}  # templates compiled since import (tests and benchmarks read it)


@functools.lru_cache(maxsize=512)
def _compiled(cls: type, source: str) -> jinja2.Template:
    COMPILES["count"] += 1
    return cls(source)


def _template_factory(cls: type) -> Callable[[str], jinja2.Template]:
    def template(source: str, *args, **kwargs) -> jinja2.Template:
        if args or kwargs or len(source) > _CACHED_SOURCE_MAX:
            COMPILES["count"] += 1
            return cls(source, *args, **kwargs)
        return _compiled(cls, source)

    template.__name__ = f"cached_{cls.__name__}"
    return template


class RenderedText(branca_element.Element):
    """An element's rendered output, kept as text: what ``Element(output)`` rendered to,
    without compiling the output (often the layer's whole GeoJSON) as a Jinja template."""

    def __init__(self, text: str):
        super().__init__()
        text = _ELEMENT_REF.sub(r"\1", text)  # the only Jinja the second pass ever met
        # a Jinja template drops one trailing newline; so did the element this replaces
        self.text = text[:-1] if text.endswith("\n") else text

    def render(self, **kwargs) -> str:
        return self.text


def _macro_render(self, **kwargs):
    """branca 0.8.2 ``MacroElement.render``, with outputs kept as ``RenderedText``."""
    figure = self.get_root()
    assert isinstance(figure, branca_element.Figure), (
        "You cannot render this Element if it is not in a Figure.")
    module = self._template.module.__dict__
    for part in ("header", "html", "script"):
        macro = module.get(part)
        if macro is not None:
            getattr(figure, part).add_child(RenderedText(macro(self, kwargs)),
                                            name=self.get_name())
    for element in self._children.values():
        element.render(**kwargs)


def install_template_cache() -> None:
    """Idempotent: compile each distinct template source once per process."""
    branca_element.MacroElement.render = _macro_render
    branca_element.Template = _template_factory(jinja2.Template)
    folium_features.Template = _template_factory(folium_template.Template)


install_template_cache()
