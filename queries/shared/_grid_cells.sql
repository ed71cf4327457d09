-- shared CTE of the grid map layers, included with `-- @include shared/_grid_cells`: the rows
-- of `points` (lon, lat; rows without a point are skipped) counted in square cells of
-- $cell_deg degrees (WGS-84), one row per cell: `grid_cells` (cell_x, cell_y, west, south,
-- east, north, n)
grid_cells as (
    select
        cell_x,
        cell_y,
        cell_x * $cell_deg as west,
        cell_y * $cell_deg as south,
        (cell_x + 1) * $cell_deg as east,
        (cell_y + 1) * $cell_deg as north,
        count(*) as n
    from (
        select
            floor(lon / $cell_deg)::bigint as cell_x,
            floor(lat / $cell_deg)::bigint as cell_y
        from points
        where lon is not null and lat is not null
    )
    group by cell_x, cell_y
),
