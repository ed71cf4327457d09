-- one typhoon's best track (typhoon_tracks), oldest point first
select observed_at, lat, lon, pressure_hpa, wind_ms, grade
from typhoon_tracks
where typhoon_id = $typhoon_id and lat is not null and lon is not null
order by observed_at
