-- mediator organizations (social_orgs) ranked by the disputes of the period they handled
with
-- @include disputes/_selection
flagged as (
    select
        *,
        status in ('调解成功', '调解不成功', '已转诉讼', '已撤回') as is_closed,
        date_diff('second', received_at, closed_at) / 86400.0 as close_days
    from selection
),
counts as (
    select
        mediator_org_id,
        count(*) as dispute_count,
        count(*) filter (where is_closed) as closed_count,
        count(*) filter (where status = '调解成功') as success_count,
        count(*) filter (where status = '调解成功') / nullif(count(*) filter (where is_closed), 0)
            as success_rate,
        median(close_days) filter (where is_closed) as median_close_days,
        sum(amount_yuan) as amount_total
    from flagged
    where mediator_org_id is not null
    group by mediator_org_id
),
final as (
    select
        c.mediator_org_id as org_id,
        coalesce(o.org_name, c.mediator_org_id) as org_name,
        c.* exclude (mediator_org_id)
    from counts c
    left join social_orgs o on o.org_id = c.mediator_org_id
)
select * from final order by dispute_count desc, success_rate desc nulls last, org_id
