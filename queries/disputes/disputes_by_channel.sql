-- disputes received in the period by mediation_channel: cases, success rate, median days to close
with selection as (
    -- disputes received in the period, in the chosen communities, matching the page filters
    -- (an empty list means all)
    select *
    from disputes
    where received_at >= $start and received_at < $end
        and (len($communities) = 0 or list_contains($communities, community_code))
        and (len($dispute_types) = 0 or list_contains($dispute_types, dispute_type))
        and (len($sources) = 0 or list_contains($sources, source))
        and (len($channels) = 0 or list_contains($channels, mediation_channel))
        and (len($statuses) = 0 or list_contains($statuses, status))
        and (len($risk_levels) = 0 or list_contains($risk_levels, risk_level))
        and (len($org_ids) = 0 or list_contains($org_ids, mediator_org_id))
),
flagged as (
    select
        *,
        status in ('调解成功', '调解不成功', '已转诉讼', '已撤回') as is_closed,
        date_diff('second', received_at, closed_at) / 86400.0 as close_days
    from selection
),
final as (
    select
        mediation_channel,
        count(*) as dispute_count,
        count(*) filter (where is_closed) as closed_count,
        count(*) filter (where status = '调解成功') as success_count,
        count(*) filter (where status = '调解成功') / nullif(count(*) filter (where is_closed), 0)
            as success_rate,
        median(close_days) filter (where is_closed) as median_close_days,
        sum(amount_yuan) as amount_total
    from flagged
    group by mediation_channel
)
select * from final order by dispute_count desc, mediation_channel
