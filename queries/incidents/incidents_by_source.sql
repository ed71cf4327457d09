-- incidents of the selection by source (110, 12345, 网格巡查, ...): the canonical one, or ($raw)
-- the source as the source system wrote it (source_raw; older rows: the canonical)
with
-- @include incidents/_selection
valued as (
    select case when $raw then coalesce(source_raw, source) else source end as value
    from selection
),
-- @include incidents/_value_counts
select value as source, incident_count from final order by incident_count desc, source
