-- organizations in the register at the period's end (staging: social_orgs_at) as map
-- points, at most $limit
with filtered as (
    select org_name, legal_form, category, rating, credit_status, community_code, lon, lat
    from social_orgs_at($end)
    where is_registered
      and lon is not null
      and lat is not null
      and (len($communities) = 0 or list_contains($communities, community_code))
),

final as (
    select
        f.org_name,
        f.legal_form,
        f.category,
        f.rating,
        f.credit_status,
        c.community_name,
        f.lon,
        f.lat,
        count(*) over () as total_count
    from filtered as f
    left join communities as c using (community_code)
)

select * from final
order by org_name
limit $limit
