"""The communities export: the 102 communities of ``communities.geojson`` (codes, names,
片区, population, floating population, households, grids, centroid), as a civil-affairs
register would list them. Figures are the geojson's (sample data, DOMAIN.md: 102 社区,
464,732 residents)."""

from __future__ import annotations

import pyarrow as pa

from command_center.sample.geo import Communities


def generate(geo: Communities) -> pa.Table:
    return pa.table({
        "community_code": pa.array(geo.codes.tolist(), pa.string()),
        "community_name": pa.array(geo.names.tolist(), pa.string()),
        "area_name": pa.array(geo.area_names.tolist(), pa.string()),
        "population": pa.array(geo.population, pa.int64()),
        "floating_population": pa.array(geo.floating, pa.int64()),
        "households": pa.array(geo.households, pa.int64()),
        "grid_count": pa.array(geo.grid_count, pa.int64()),
        "centroid_lon": pa.array(geo.centroid_lon),
        "centroid_lat": pa.array(geo.centroid_lat),
    })
