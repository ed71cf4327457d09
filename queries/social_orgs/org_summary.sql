-- the filtered register in one row: size, ratings, credit lists, people; plus the
-- registrations inside [$start, $end) (the only part the period filter touches)
with
-- @include social_orgs/_selection

final as (
    select
        count(*) as org_count,
        count(*) filter (where rating in ('5A', '4A', '3A')) as rated_3a_count,
        count(*) filter (where rating in ('5A', '4A', '3A', '2A', '1A')) as rated_count,
        count(*) filter (where credit_status = '活动异常名录') as abnormal_count,
        count(*) filter (where credit_status = '严重违法失信') as dishonest_count,
        count(*) filter (where is_party_alliance) as party_count,
        cast(coalesce(sum(staff_count), 0) as bigint) as staff_total,
        cast(coalesce(sum(volunteer_count), 0) as bigint) as volunteer_total,
        count(*) filter (
            where registered_on >= cast($start as date) and registered_on < cast($end as date)
        ) as registered_count
    from orgs
)

select * from final
