-- incidents of the selection by ISO weekday (1 = Monday) and hour of day, for the heat map
with
-- @include incidents/_selection
final as (
    select
        isodow(reported_at) as weekday,
        hour(reported_at) as hour,
        count(*) as incident_count
    from selection
    group by weekday, hour
)
select * from final order by weekday, hour
