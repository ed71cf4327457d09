-- shelters (避灾安置场所) as map points
with filtered as (
    select shelter_name, level, capacity, host_type, community_code, lon, lat
    from shelters
    where lon is not null
      and lat is not null
      and (len($communities) = 0 or list_contains($communities, community_code))
),

final as (
    select
        f.shelter_name,
        f.level,
        f.capacity,
        f.host_type,
        c.community_name,
        f.lon,
        f.lat
    from filtered as f
    left join communities as c using (community_code)
)

select * from final
order by level, shelter_name
