"""GCJ-02 and BD-09 → WGS-84 as DuckDB SQL: the formulas of :mod:`command_center.crs`, run
by DuckDB on every core instead of by numpy under Python's lock (the build converts every
point of a file; at 20M rows numpy took most of the pass).

:func:`wgs84_relation` wraps a relation with columns ``_src_lon``/``_src_lat`` in layers of
projections adding ``_w_lon``/``_w_lat``. Projections keep the rows' order, which the pass
numbers rows by. An inverse is the same fixed-point iteration as ``crs._invert``, run a fixed
:data:`ROUNDS` times: the first guess is within about 5e-5 degree and each round shrinks the
error about 150 times, so two rounds leave at most 2e-9 degree (0.2 mm) anywhere in China, far
below what any source system's points mean (tests compare with numpy, which iterates to 1e-12).
Each round is a full evaluation of the offset (a dozen sines): a third round cost a quarter of
the conversion for a hundredth of a millimetre.
"""

from __future__ import annotations

import math

from command_center.crs import _A, _EE, _X_PI

ROUNDS = 2
_PI = repr(math.pi)


def _outside(lon: str, lat: str) -> str:
    return f"({lon} < 72.004 or {lon} > 137.8347 or {lat} < 0.8293 or {lat} > 55.8271)"


def _gcj_offset(lon: str, lat: str) -> tuple[str, str]:
    """SQL of GCJ-02 minus WGS-84 at the WGS-84 point (lon, lat): columns, not expressions,
    since each is used many times."""
    x, y = f"({lon} - 105.0)", f"({lat} - 35.0)"
    common = f"((20.0 * sin(6.0 * {x} * {_PI}) + 20.0 * sin(2.0 * {x} * {_PI})) * 2.0 / 3.0)"
    dlat = (f"(-100.0 + 2.0 * {x} + 3.0 * {y} + 0.2 * {y} * {y} + 0.1 * {x} * {y} "
            f"+ 0.2 * sqrt(abs({x})) + {common} "
            f"+ (20.0 * sin({y} * {_PI}) + 40.0 * sin({y} / 3.0 * {_PI})) * 2.0 / 3.0 "
            f"+ (160.0 * sin({y} / 12.0 * {_PI}) + 320.0 * sin({y} * {_PI} / 30.0)) * (2.0 / 3.0))")
    dlon = (f"(300.0 + {x} + 2.0 * {y} + 0.1 * {x} * {x} + 0.1 * {x} * {y} "
            f"+ 0.1 * sqrt(abs({x})) + {common} "
            f"+ (20.0 * sin({x} * {_PI}) + 40.0 * sin({x} / 3.0 * {_PI})) * 2.0 / 3.0 "
            f"+ (150.0 * sin({x} / 12.0 * {_PI}) + 300.0 * sin({x} / 30.0 * {_PI})) * (2.0 / 3.0))")
    rad = f"({lat} / 180.0 * {_PI})"
    magic = f"(1.0 - {_EE!r} * pow(sin({rad}), 2))"
    dlat = f"(({dlat} * 180.0) / (({_A!r} * (1.0 - {_EE!r})) / ({magic} * sqrt({magic})) * {_PI}))"
    dlon = f"(({dlon} * 180.0) / ({_A!r} / sqrt({magic}) * cos({rad}) * {_PI}))"
    out = _outside(lon, lat)
    return f"(case when {out} then 0.0 else {dlon} end)", f"(case when {out} then 0.0 else {dlat} end)"


def _wgs_to_gcj(lon: str, lat: str) -> tuple[str, str]:
    dlon, dlat = _gcj_offset(lon, lat)
    return f"({lon} + {dlon})", f"({lat} + {dlat})"


def _gcj_to_bd(lon: str, lat: str) -> tuple[str, str]:
    z = f"(sqrt({lon} * {lon} + {lat} * {lat}) + 0.00002 * sin({lat} * {_X_PI!r}))"
    theta = f"(atan2({lat}, {lon}) + 0.000003 * cos({lon} * {_X_PI!r}))"
    return f"({z} * cos({theta}) + 0.0065)", f"({z} * sin({theta}) + 0.006)"


def _bd_to_gcj_approx(lon: str, lat: str) -> tuple[str, str]:
    x, y = f"({lon} - 0.0065)", f"({lat} - 0.006)"
    z = f"(sqrt({x} * {x} + {y} * {y}) - 0.00002 * sin({y} * {_X_PI!r}))"
    theta = f"(atan2({y}, {x}) - 0.000003 * cos({x} * {_X_PI!r}))"
    return f"({z} * cos({theta}))", f"({z} * sin({theta}))"


def _layer(source: str, lon: str, lat: str, name: str) -> str:
    return f"(select *, {lon} as {name}_lon, {lat} as {name}_lat from {source})"


def _inverse(source: str, target: str, forward, guess, name: str) -> str:
    """Layers solving forward(x) = (target_lon, target_lat) from ``guess``; the last layer's
    columns are ``{name}_lon``/``{name}_lat``."""
    rel = _layer(source, *guess(f"{target}_lon", f"{target}_lat"), f"{name}0")
    for k in range(ROUNDS):
        x, y = f"{name}{k}_lon", f"{name}{k}_lat"
        f_lon, f_lat = forward(x, y)
        rel = _layer(rel, f"{x} + ({target}_lon - {f_lon})", f"{y} + ({target}_lat - {f_lat})",
                     f"{name}{k + 1}")
    return f"(select *, {name}{ROUNDS}_lon as {name}_lon, {name}{ROUNDS}_lat as {name}_lat from {rel})"


def _gcj_guess(lon: str, lat: str) -> tuple[str, str]:
    dlon, dlat = _gcj_offset(lon, lat)
    return f"({lon} - {dlon})", f"({lat} - {dlat})"


def wgs84_relation(source: str, crs: str) -> str:
    """``source`` (a relation with ``_src_lon``/``_src_lat``) with ``_w_lon``/``_w_lat``, the
    points in WGS-84, for ``crs`` wgs84, gcj02 or bd09."""
    if crs == "wgs84":
        return f"(select *, _src_lon as _w_lon, _src_lat as _w_lat from {source})"
    if crs not in ("gcj02", "bd09"):
        raise ValueError(f"no SQL conversion from {crs}")
    rel, gcj = source, "_src"
    if crs == "bd09":  # BD-09 → GCJ-02 first, as crs.bd09_to_wgs84
        rel, gcj = _inverse(rel, gcj, _gcj_to_bd, _bd_to_gcj_approx, "_bd"), "_bd"
    rel = _inverse(rel, gcj, _wgs_to_gcj, _gcj_guess, "_w")
    return rel
