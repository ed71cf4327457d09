-- incidents of the selection per community, with the rate per 1,000 registered residents
with
-- @include incidents/_selection
counts as (
    select community_code, count(*) as incident_count
    from selection
    group by community_code
),
final as (
    select
        c.community_code,
        c.community_name,
        c.population,
        coalesce(n.incident_count, 0) as incident_count,
        per_1000(coalesce(n.incident_count, 0), c.population) as rate_per_1000
    from communities c
    left join counts n using (community_code)
    where len($communities) = 0 or list_contains($communities, c.community_code)
)
select * from final order by incident_count desc, community_code
