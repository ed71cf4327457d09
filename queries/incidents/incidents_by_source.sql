-- incidents of the selection by source (110, 12345, 网格巡查, ...): the canonical one, or ($raw)
-- the source as the source system wrote it (source_raw; older rows: the canonical)
with
-- @include incidents/_selection
final as (
    select
        coalesce(case when $raw then coalesce(source_raw, source) else source end, '未知')
            as source,
        count(*) as incident_count
    from selection
    group by 1
)
select * from final order by incident_count desc, source
