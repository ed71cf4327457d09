-- incidents of the selection by category (大类): the canonical one, or ($raw) the category as
-- the source system wrote it (category_raw; a row imported before it was kept: the canonical)
with
-- @include incidents/_selection
valued as (
    select case when $raw then coalesce(category_raw, category) else category end as value
    from selection
),
-- @include incidents/_value_counts
select value as category, incident_count from final order by incident_count desc, category
