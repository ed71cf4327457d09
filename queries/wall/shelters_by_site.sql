-- shelters (避灾安置场所) with a location, for the map
with located as (
    select shelter_id, shelter_name, level, capacity, host_type, community_code, lon, lat
    from shelters
    where lon is not null and lat is not null
),

final as (
    select
        s.shelter_id,
        s.shelter_name,
        s.level,
        s.capacity,
        s.host_type,
        c.community_name,
        s.lon,
        s.lat
    from located as s
    left join communities as c on c.community_code = s.community_code
)

select * from final
order by shelter_id
