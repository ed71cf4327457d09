-- shelters (in the chosen communities) and how many people of one typhoon were in each at
-- $ref_at: 集中安置 records transferred there by then and not yet returned
with present as (
    select planned_shelter_id as shelter_id, cast(sum(person_count) as bigint) as occupancy
    from evacuations_staged()
    where typhoon_id = $typhoon_id
        and placement = '集中安置'
        and is_moved
        and transferred_at <= $ref_at
        and (returned_at is null or returned_at > $ref_at)
    group by planned_shelter_id
),

planned as (
    select planned_shelter_id as shelter_id, cast(sum(person_count) as bigint) as persons_assigned
    from evacuations_staged()
    where typhoon_id = $typhoon_id and placement = '集中安置'
    group by planned_shelter_id
),

final as (
    select
        s.shelter_id,
        s.shelter_name,
        s.level as shelter_level,
        s.capacity,
        s.host_type,
        c.community_name,
        s.lon,
        s.lat,
        coalesce(p.occupancy, 0) as occupancy,
        case when s.capacity > 0 then coalesce(p.occupancy, 0) * 1.0 / s.capacity end
            as occupancy_rate,
        coalesce(a.persons_assigned, 0) as persons_assigned
    from shelters as s
    left join communities as c using (community_code)
    left join present as p using (shelter_id)
    left join planned as a using (shelter_id)
    where len($communities) = 0 or list_contains($communities, s.community_code)
)

select * from final
order by occupancy_rate desc nulls last, occupancy desc, shelter_id
