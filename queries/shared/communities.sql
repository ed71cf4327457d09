-- the communities in the order people expect them: by area, then by code
select
    community_code,
    community_name,
    area_name,
    population,
    floating_population,
    households,
    grid_count,
    centroid_lon,
    centroid_lat
from communities
order by area_name, community_code
