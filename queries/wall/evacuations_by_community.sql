-- evacuation progress of one typhoon per community, at the community centroid (for the map)
with per_community as (
    select
        community_code,
        sum(person_count) as persons_planned,
        coalesce(sum(person_count) filter (where is_moved), 0) as persons_moved,
        coalesce(sum(person_count) filter (where is_pending), 0) as persons_pending
    from evacuations_staged()
    where typhoon_id = $typhoon_id
    group by community_code
),

final as (
    select
        c.community_code,
        c.community_name,
        c.centroid_lon as lon,
        c.centroid_lat as lat,
        p.persons_planned,
        p.persons_moved,
        p.persons_pending,
        p.persons_moved / nullif(p.persons_planned, 0) as transfer_rate
    from per_community as p
    inner join communities as c on c.community_code = p.community_code
)

select * from final
order by persons_pending desc, community_code
