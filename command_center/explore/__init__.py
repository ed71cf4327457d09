"""数据探索: a question about one dataset, built into SQL and run on the viewer's scoped connection.

A :class:`Question` names a dataset of ``command_center.schema.DATASETS``, filters, up to two
group-by dimensions, one measure and a top-N. :func:`build` turns it into SQL text made only of
identifiers taken from the schema (checked against it, then double-quoted) and returns every
value the person chose as a ``$named`` parameter: nothing a person types becomes SQL text.
:func:`run` executes it through the query runner's scoped connection (``queries.cursor``: a
社区 viewer reads only their communities' rows) and masks personal data exactly as
``run_query`` does, before the result is cached. Only the grouped result comes back, with a row
limit; the underlying rows (:func:`build_rows`) are fetched only for an export, capped.

- ``question``: what a question may ask (datasets, dimensions, measures, filters);
- ``sql``: the question built into SQL (grouped, pick-lists, rows, count);
- ``maps``: the question on the map (per community, grid cells, points);
- ``running``: built SQL run, scoped and masked, cached.
"""

from command_center.explore.maps import (
    CELL_DEG,
    CELLS_MAX,
    POINTS_MAX,
    build_by_community,
    build_cells,
    build_points,
    map_columns,
)
from command_center.explore.question import (
    DIM_KINDS,
    EMPTY,
    EXPORT_MAX,
    FIGURE_SQL,
    GRAINS,
    MEASURES,
    NUMBER_KINDS,
    OPS,
    OTHER,
    ROW_LIMIT,
    STAGED,
    TIME_KINDS,
    TRUNC_GRAINS,
    WEEKDAYS,
    ExploreError,
    Filter,
    Question,
    column,
    dataset,
    dimensions,
    figure_key,
    figure_label,
    filter_ops,
    is_whole,
    measures,
    min_sample,
    time_column,
)
from command_center.explore.running import run, run_uncached
from command_center.explore.sql import (
    build,
    build_count,
    build_rows,
    build_values,
    dim_name,
    kept,
)

__all__ = [
    "CELLS_MAX", "CELL_DEG", "DIM_KINDS", "EMPTY", "EXPORT_MAX", "FIGURE_SQL", "GRAINS",
    "MEASURES", "NUMBER_KINDS", "OPS", "OTHER", "POINTS_MAX", "ROW_LIMIT", "STAGED", "TIME_KINDS",
    "TRUNC_GRAINS", "WEEKDAYS", "ExploreError", "Filter", "Question", "build",
    "build_by_community", "build_cells", "build_count", "build_points", "build_rows",
    "build_values", "column", "dataset", "dim_name", "dimensions", "figure_key", "figure_label",
    "filter_ops", "is_whole", "kept", "map_columns", "measures", "min_sample", "run",
    "run_uncached", "time_column",
]
