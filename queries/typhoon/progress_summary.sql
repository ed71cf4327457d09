-- one typhoon's evacuation against plan, in persons (status as last exported; staging:
-- evacuations_staged; registry: evac_*): planned = every record, moved = 已转移 + 已返回,
-- pending (应转未转) = planned − moved = 待转移 (waiting) + 拒绝转移 (refused)
with
-- @include typhoon/_records

final as (
    select
        cast(coalesce(sum(person_count), 0) as bigint) as persons_planned,
        cast(coalesce(sum(person_count) filter (where is_moved), 0) as bigint) as persons_moved,
        cast(coalesce(sum(person_count) filter (where is_pending), 0) as bigint) as persons_pending,
        cast(coalesce(sum(person_count) filter (where is_waiting), 0) as bigint) as persons_waiting,
        cast(coalesce(sum(person_count) filter (where is_refused), 0) as bigint) as persons_refused,
        cast(coalesce(sum(person_count) filter (where status = '已返回'), 0) as bigint) as persons_returned,
        cast(coalesce(sum(person_count) filter (
            where is_moved and placement = '集中安置'), 0) as bigint) as persons_central,
        cast(coalesce(sum(person_count) filter (
            where is_moved and placement = '投亲靠友'), 0) as bigint) as persons_relatives,
        count(*) as households_planned,
        count(*) filter (where is_waiting) as households_pending,
        count(*) filter (where is_refused) as households_refused
    from records
)

select
    *,
    case when persons_planned > 0 then persons_moved * 1.0 / persons_planned end as transfer_rate
from final
