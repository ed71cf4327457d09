-- shared CTE of incidents_by_category and incidents_by_source, included with
-- `-- @include incidents/_value_counts` after a CTE `valued` (one row per incident of the
-- selection, its breakdown value as `value`): incidents per value, a missing value as 未知
final as (
    select coalesce(value, '未知') as value, count(*) as incident_count
    from valued
    group by 1
)
