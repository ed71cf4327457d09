-- registered social organizations (登记状态 正常) registered before the end of the period, and
-- how many there were at its start (the previous period's end, for 环比)
with filtered as (
    select registered_on
    from social_orgs
    where status = '正常'
      and (len($communities) = 0 or list_contains($communities, community_code))
),

final as (
    select
        count(*) filter (where registered_on is null or registered_on < cast($end as date))
            as org_count,
        count(*) filter (where registered_on is null or registered_on < cast($start as date))
            as previous_count,
        count(*) filter (
            where registered_on >= cast($start as date) and registered_on < cast($end as date)
        ) as new_count
    from filtered
)

select * from final
