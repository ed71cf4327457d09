-- organizations of the register put on a credit list during the period, by listing date
-- (staging: social_orgs_at; the same organizations as 活动异常名录 / 严重违法失信 of the registry)
with listed as (
    select org_name, credit_status, credit_listed_on, legal_form, community_code
    from social_orgs_at($end)
    where (is_abnormal or is_dishonest)
      and credit_listed_on >= cast($start as date)
      and (len($communities) = 0 or list_contains($communities, community_code))
),

final as (
    select
        l.org_name,
        l.credit_status,
        l.credit_listed_on,
        l.legal_form,
        c.community_name
    from listed as l
    left join communities as c using (community_code)
)

select * from final
order by credit_listed_on, org_name
