-- one typhoon's evacuation against plan, in persons (status as last exported)
--   planned = every record; moved = 已转移 + 已返回; pending = 待转移 (应转未转)
with records as (
    select *
    from evacuations
    where typhoon_id = $typhoon_id
        and (len($communities) = 0 or list_contains($communities, community_code))
),

final as (
    select
        cast(coalesce(sum(person_count), 0) as bigint) as persons_planned,
        cast(coalesce(sum(person_count) filter (where status in ('已转移', '已返回')), 0) as bigint) as persons_moved,
        cast(coalesce(sum(person_count) filter (where status = '待转移'), 0) as bigint) as persons_pending,
        cast(coalesce(sum(person_count) filter (where status = '拒绝转移'), 0) as bigint) as persons_refused,
        cast(coalesce(sum(person_count) filter (where status = '已返回'), 0) as bigint) as persons_returned,
        cast(coalesce(sum(person_count) filter (
            where status in ('已转移', '已返回') and placement = '集中安置'), 0) as bigint) as persons_central,
        cast(coalesce(sum(person_count) filter (
            where status in ('已转移', '已返回') and placement = '投亲靠友'), 0) as bigint) as persons_relatives,
        count(*) as households_planned,
        count(*) filter (where status = '待转移') as households_pending,
        count(*) filter (where status = '拒绝转移') as households_refused
    from records
)

select
    *,
    case when persons_planned > 0 then persons_moved * 1.0 / persons_planned end as transfer_rate
from final
