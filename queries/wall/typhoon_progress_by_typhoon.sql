-- typhoons whose warning is in force at $now, with their evacuation progress
with active as (
    select typhoon_id, name_cn, response_level, warning_start_at, landfall_at
    from typhoons_active_at($now::timestamp)
),

progress as (
    select
        e.typhoon_id,
        coalesce(sum(e.person_count), 0) as persons_planned,
        coalesce(sum(e.person_count) filter (where e.is_moved), 0) as persons_moved,
        coalesce(sum(e.person_count) filter (where e.is_pending), 0) as persons_pending,
        coalesce(sum(e.person_count) filter (where e.is_refused), 0) as persons_refused
    from evacuations_staged() as e
    inner join active as a on a.typhoon_id = e.typhoon_id
    group by e.typhoon_id
),

final as (
    select
        a.typhoon_id,
        a.name_cn,
        a.response_level,
        a.warning_start_at,
        a.landfall_at,
        coalesce(p.persons_planned, 0) as persons_planned,
        coalesce(p.persons_moved, 0) as persons_moved,
        coalesce(p.persons_pending, 0) as persons_pending,
        coalesce(p.persons_refused, 0) as persons_refused,
        p.persons_moved / nullif(p.persons_planned, 0) as transfer_rate
    from active as a
    left join progress as p on p.typhoon_id = a.typhoon_id
)

select * from final
order by warning_start_at desc
