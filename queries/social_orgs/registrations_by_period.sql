-- registrations of the filtered organizations inside [$start, $end), by $grain (day/month/year)
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

final as (
    select
        cast(date_trunc($grain, registered_on) as date) as period_start,
        coalesce(legal_form, '未填报') as legal_form,
        count(*) as org_count
    from orgs
    where registered_on >= cast($start as date) and registered_on < cast($end as date)
    group by all
)

select * from final
order by period_start, legal_form
