-- one typhoon's evacuation against plan per community, the worst shortfall first
with records as (
    select *
    from evacuations_staged()
    where typhoon_id = $typhoon_id
        and (len($communities) = 0 or list_contains($communities, community_code))
),

grouped as (
    select
        r.community_code,
        c.community_name,
        cast(sum(r.person_count) as bigint) as persons_planned,
        cast(coalesce(sum(r.person_count) filter (where r.is_moved), 0) as bigint) as persons_moved,
        cast(coalesce(sum(r.person_count) filter (where r.is_pending), 0) as bigint) as persons_pending,
        cast(coalesce(sum(r.person_count) filter (where r.is_waiting), 0) as bigint) as persons_waiting,
        cast(coalesce(sum(r.person_count) filter (where r.is_refused), 0) as bigint) as persons_refused,
        count(*) filter (where r.is_waiting) as households_pending
    from records as r
    left join communities as c using (community_code)
    group by all
),

final as (
    select
        *,
        persons_planned - persons_moved as shortfall,
        case when persons_planned > 0 then persons_moved * 1.0 / persons_planned end as transfer_rate
    from grouped
)

select * from final
order by shortfall desc, transfer_rate nulls first
