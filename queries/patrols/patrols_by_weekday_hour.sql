-- completed tasks of the selection by ISO weekday (1 = Monday) and hour of check-in, with
-- their patrol hours, for the coverage grid
with
-- @include patrols/_selection
final as (
    select
        isodow(started_at) as weekday,
        hour(started_at) as hour,
        count(*) as done_count,
        sum(duration_hours) as patrol_hours
    from selection
    where is_done
    group by weekday, hour
)
select * from final order by weekday, hour
