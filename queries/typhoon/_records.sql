-- one typhoon's evacuation records in the selected communities (staging: evacuations_staged)
records as (
    select *
    from evacuations_staged()
    where typhoon_id = $typhoon_id
        and (len($communities) = 0 or list_contains($communities, community_code))
),
