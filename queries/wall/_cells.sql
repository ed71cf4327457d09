-- shared CTEs, included by the wall's grid layers with `-- @include wall/_cells`: the rows of
-- `points` (lon, lat) binned on a $cell_deg grid, one row per cell: `cells` (lon, lat of the
-- cell centre, n)
located as (
    select
        floor(lon / $cell_deg) as cx,
        floor(lat / $cell_deg) as cy
    from points
    where lon is not null and lat is not null
),

cells as (
    select
        (cx + 0.5) * $cell_deg as lon,
        (cy + 0.5) * $cell_deg as lat,
        count(*) as n
    from located
    group by cx, cy
),
