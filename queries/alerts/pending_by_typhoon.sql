-- typhoons whose warning is in force at $now and began at least $after_hours hours before it,
-- with the people still to be moved (应转未转, the staging layer's is_pending) in $communities
with active as (
    select typhoon_id, name_cn, warning_start_at, response_level
    from typhoons_active_at($now)
    where warning_start_at
        <= cast($now as timestamp) - to_minutes(cast(cast($after_hours as double) * 60 as bigint))
),

pending as (
    select
        typhoon_id,
        cast(sum(person_count) as bigint) as pending_persons,
        count(*) as pending_records
    from evacuations_staged()
    where is_pending
        and (len($communities) = 0 or list_contains($communities, community_code))
    group by typhoon_id
),

final as (
    select
        a.typhoon_id,
        a.name_cn,
        a.warning_start_at,
        a.response_level,
        coalesce(p.pending_persons, 0) as pending_persons,
        coalesce(p.pending_records, 0) as pending_records
    from active as a
    left join pending as p using (typhoon_id)
)

select * from final
order by typhoon_id
