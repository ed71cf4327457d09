-- one typhoon, on each hour: cumulative persons transferred and returned by then, and persons
-- in shelters then (集中安置 to a shelter, transferred by then and not yet returned), i.e. the
-- same "by $ref_at" rule as shelter_occupancy. The hours run over the warning window, widened
-- to the first transfer / last return (at most 3 days before, 14 days after); earlier events
-- count in the first hour.
with records as (
    select *
    from evacuations_staged()
    where typhoon_id = $typhoon_id
        and (len($communities) = 0 or list_contains($communities, community_code))
        and is_moved
        and transferred_at is not null
),

typhoon as (
    select
        warning_start_at,
        coalesce(warning_end_at, warning_start_at + interval 7 day) as warning_end_at
    from typhoons
    where typhoon_id = $typhoon_id
),

bounds as (
    select
        date_trunc('hour', greatest(
            least(any_value(t.warning_start_at), coalesce(min(r.transferred_at),
                any_value(t.warning_start_at))),
            any_value(t.warning_start_at) - interval 3 day)) as first_hour,
        date_trunc('hour', least(
            greatest(any_value(t.warning_end_at), coalesce(max(r.returned_at),
                any_value(t.warning_end_at))) + interval 59 minute,
            any_value(t.warning_end_at) + interval 14 day)) as last_hour
    from typhoon as t
    left join records as r on true
),

hours as (
    select unnest(generate_series(first_hour, last_hour, interval 1 hour)) as hour
    from bounds
),

-- an event at 14:30 counts from 15:00 on, one at 14:00 from 14:00 on
events as (
    select
        transferred_at as event_at,
        person_count as transferred,
        0 as returned,
        case when placement = '集中安置' and planned_shelter_id is not null
            then person_count else 0 end as shelter_change
    from records
    union all
    select
        returned_at,
        0,
        person_count,
        case when placement = '集中安置' and planned_shelter_id is not null
            then -person_count else 0 end
    from records
    where returned_at is not null
),

per_hour as (
    select
        greatest(date_trunc('hour', e.event_at - interval 1 microsecond) + interval 1 hour,
            b.first_hour) as hour,
        sum(e.transferred) as transferred,
        sum(e.returned) as returned,
        sum(e.shelter_change) as shelter_change
    from events as e
    cross join bounds as b
    group by all
),

final as (
    select
        h.hour,
        cast(sum(coalesce(p.transferred, 0)) over w as bigint) as transferred_cum,
        cast(sum(coalesce(p.returned, 0)) over w as bigint) as returned_cum,
        cast(sum(coalesce(p.shelter_change, 0)) over w as bigint) as in_shelter
    from hours as h
    left join per_hour as p using (hour)
    window w as (order by h.hour rows between unbounded preceding and current row)
)

select * from final
order by hour
