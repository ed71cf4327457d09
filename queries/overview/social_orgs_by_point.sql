-- organizations in the register at the period's end (staging: social_orgs_at) as map
-- points, at most $limit (total_count: how many there are in all)
with final as (
    select
        o.org_name, o.legal_form, o.category, o.rating, o.credit_status, c.community_name,
        o.lon, o.lat,
        count(*) over () as total_count
    from social_orgs_at($end) as o
    left join communities as c using (community_code)
    where o.is_registered
        -- @include overview/_on_map
)

select * from final
order by org_name
limit $limit
