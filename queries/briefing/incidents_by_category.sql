-- incidents by category (大类) in the period, the comparison period (环比) and the same dates a
-- year earlier (同比); a category appears when it has incidents in any of the three windows
with
-- @include briefing/_incidents_in_windows
final as (
    select
        category,
        -- @include briefing/_incident_window_counts
    from incidents_in_windows
    group by category
)

select * from final
order by incident_count desc, year_ago_count desc, category
