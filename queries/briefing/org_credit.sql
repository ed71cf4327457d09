-- social organizations on the credit lists (活动异常名录 / 严重违法失信) at the period's end, and
-- those listed during the period (by 列入名录日期; an organization without a listing date
-- counts as listed before the period)
with listed as (
    select credit_status, credit_listed_on
    from social_orgs
    where credit_status in ('活动异常名录', '严重违法失信')
      and (credit_listed_on is null or credit_listed_on < cast($end as date))
      and (len($communities) = 0 or list_contains($communities, community_code))
),

final as (
    select
        count(*) filter (where credit_status = '活动异常名录') as abnormal_count,
        count(*) filter (where credit_status = '严重违法失信') as dishonest_count,
        count(*) filter (where credit_listed_on >= cast($start as date)) as newly_listed_count
    from listed
)

select * from final
