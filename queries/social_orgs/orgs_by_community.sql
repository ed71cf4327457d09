-- organizations per 10,000 residents in each community (communities without any included)
with orgs as (
    select *
    from social_orgs
    where (len($statuses) = 0 or list_contains($statuses, status))
        and (len($communities) = 0 or list_contains($communities, community_code))
        and (len($legal_forms) = 0 or list_contains($legal_forms, legal_form))
        and (len($categories) = 0 or list_contains($categories, category))
        and (len($ratings) = 0 or list_contains($ratings, coalesce(rating, '未评估')))
        and (len($credit_statuses) = 0 or list_contains($credit_statuses, credit_status))
        and (len($party_flags) = 0 or list_contains($party_flags, coalesce(is_party_alliance, false)))
        and (registered_on is null or year(registered_on) between $min_year and $max_year)
),

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
