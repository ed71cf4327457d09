-- shelters (避灾安置场所) with a location, for the map
with final as (
    select
        shelter_id,
        shelter_name,
        level,
        capacity,
        lon,
        lat
    from shelters
    where lon is not null and lat is not null
)

select * from final
order by shelter_id
