-- organizations per 10,000 residents in each community (communities without any included)
with
-- @include social_orgs/_selection

counts as (
    select community_code, count(*) as org_count
    from orgs
    group by community_code
),

final as (
    select
        c.community_code,
        c.community_name,
        c.area_name,
        c.population,
        coalesce(n.org_count, 0) as org_count,
        case when c.population > 0
            then round(coalesce(n.org_count, 0) * 10000.0 / c.population, 2) end as orgs_per_10k
    from communities as c
    left join counts as n using (community_code)
    where len($communities) = 0 or list_contains($communities, c.community_code)
)

select * from final
order by orgs_per_10k nulls last, community_code
