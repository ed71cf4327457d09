-- incidents of the selection by category (大类): the canonical one, or ($raw) the category as
-- the source system wrote it (category_raw; a row imported before it was kept: the canonical)
with
-- @include incidents/_selection
final as (
    select
        coalesce(case when $raw then coalesce(category_raw, category) else category end, '未知')
            as category,
        count(*) as incident_count
    from selection
    group by 1
)
select * from final order by incident_count desc, category
