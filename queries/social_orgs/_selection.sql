-- shared CTE, included by the social_orgs queries with `-- @include social_orgs/_selection`
orgs as (
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
