-- organizations on the 活动异常名录 / 严重违法失信 lists, worst list first, longest listed first
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

names as (
    select community_code, community_name from communities
),

final as (
    select
        o.org_id,
        o.org_name,
        o.credit_status,
        o.credit_listed_on,
        case when o.credit_listed_on is not null
            then date_diff('day', o.credit_listed_on, cast($today as date)) end as days_listed,
        o.legal_form,
        o.category,
        n.community_name
    from orgs as o
    left join names as n using (community_code)
    where o.credit_status in ('活动异常名录', '严重违法失信')
)

select * from final
order by credit_status = '严重违法失信' desc, credit_listed_on nulls last, org_id
