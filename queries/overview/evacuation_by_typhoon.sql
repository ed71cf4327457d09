-- typhoons whose warning window overlaps the period (an open window counts as 3 days), with
-- evacuation progress (staging: evacuations_staged; registry: evac_*)
with typhoons_in_period as (
    select typhoon_id, name_cn, response_level, warning_start_at, warning_end_at, landfall_at
    from typhoons
    where warning_start_at < $end
      and coalesce(warning_end_at, warning_start_at + interval 3 day) >= $start
),

progress as (
    select
        typhoon_id,
        sum(person_count) as persons_planned,
        sum(person_count) filter (where is_moved) as persons_moved,
        sum(person_count) filter (where is_pending) as persons_pending
    from evacuations_staged()
    where typhoon_id in (select typhoon_id from typhoons_in_period)
      and (len($communities) = 0 or list_contains($communities, community_code))
    group by typhoon_id
),

final as (
    select
        t.*,
        coalesce(p.persons_planned, 0) as persons_planned,
        coalesce(p.persons_moved, 0) as persons_moved,
        coalesce(p.persons_pending, 0) as persons_pending,
        p.persons_moved / nullif(p.persons_planned, 0) as transfer_rate
    from typhoons_in_period as t
    left join progress as p using (typhoon_id)
)

select * from final
order by warning_start_at desc
