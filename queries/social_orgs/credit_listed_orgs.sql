-- organizations on the 活动异常名录 / 严重违法失信 lists, worst list first, longest listed first
with
-- @include social_orgs/_selection

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
