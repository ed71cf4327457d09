-- every typhoon side by side (records of the chosen communities): persons planned and moved,
-- peak persons in shelters, shelters that reached 90 % of capacity, and hours from the start
-- of the warning until 90 % of the plan had been moved (null: never reached)
with records as (
    select *
    from evacuations_staged()
    where len($communities) = 0 or list_contains($communities, community_code)
),

plan as (
    select
        typhoon_id,
        cast(sum(person_count) as bigint) as persons_planned,
        cast(coalesce(sum(person_count) filter (where is_moved), 0) as bigint) as persons_moved
    from records
    group by typhoon_id
),

moves as (
    select
        typhoon_id,
        transferred_at,
        sum(person_count) over (partition by typhoon_id order by transferred_at, record_id
            rows between unbounded preceding and current row) as moved_cum
    from records
    where is_moved and transferred_at is not null
),

reach_90 as (
    select m.typhoon_id, min(m.transferred_at) as reached_at
    from moves as m
    join plan as p using (typhoon_id)
    where m.moved_cum >= 0.9 * p.persons_planned
    group by m.typhoon_id
),

-- shelter stays as +persons at transfer, -persons at return; same instant counted together
stays as (
    select typhoon_id, planned_shelter_id as shelter_id, transferred_at as event_at,
        person_count as delta
    from records
    where placement = '集中安置' and planned_shelter_id is not null
        and is_moved and transferred_at is not null
    union all
    select typhoon_id, planned_shelter_id, returned_at, -person_count
    from records
    where placement = '集中安置' and planned_shelter_id is not null
        and is_moved and transferred_at is not null
        and returned_at is not null
),

total_level as (
    select typhoon_id, sum(delta) over (partition by typhoon_id order by event_at
        range between unbounded preceding and current row) as level
    from stays
),

shelter_level as (
    select typhoon_id, shelter_id, sum(delta) over (partition by typhoon_id, shelter_id
        order by event_at range between unbounded preceding and current row) as level
    from stays
),

shelter_peak as (
    select l.typhoon_id, l.shelter_id, max(l.level) as peak
    from shelter_level as l
    group by all
),

peaks as (
    select
        typhoon_id,
        count(*) filter (where s.capacity > 0 and p.peak >= 0.9 * s.capacity) as shelters_near_full
    from shelter_peak as p
    left join shelters as s using (shelter_id)
    group by typhoon_id
),

total_peak as (
    select typhoon_id, cast(max(level) as bigint) as peak_in_shelter
    from total_level
    group by typhoon_id
),

final as (
    select
        t.typhoon_id,
        t.name_cn,
        t.warning_start_at,
        t.response_level,
        coalesce(p.persons_planned, 0) as persons_planned,
        coalesce(p.persons_moved, 0) as persons_moved,
        case when p.persons_planned > 0 then p.persons_moved * 1.0 / p.persons_planned end
            as transfer_rate,
        coalesce(tp.peak_in_shelter, 0) as peak_in_shelter,
        coalesce(k.shelters_near_full, 0) as shelters_near_full,
        round(date_diff('minute', t.warning_start_at, r.reached_at) / 60.0, 1) as hours_to_90
    from typhoons as t
    left join plan as p using (typhoon_id)
    left join reach_90 as r using (typhoon_id)
    left join total_peak as tp using (typhoon_id)
    left join peaks as k using (typhoon_id)
)

select * from final
order by warning_start_at desc
