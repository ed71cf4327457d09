-- disputes received in the period by dispute_type: cases, success rate, median days to close
with
-- @include disputes/_selection
flagged as (
    select
        *,
        status in ('调解成功', '调解不成功', '已转诉讼', '已撤回') as is_closed,
        date_diff('second', received_at, closed_at) / 86400.0 as close_days
    from selection
),
final as (
    select
        dispute_type,
        count(*) as dispute_count,
        count(*) filter (where is_closed) as closed_count,
        count(*) filter (where status = '调解成功') as success_count,
        count(*) filter (where status = '调解成功') / nullif(count(*) filter (where is_closed), 0)
            as success_rate,
        median(close_days) filter (where is_closed) as median_close_days,
        sum(amount_yuan) as amount_total
    from flagged
    group by dispute_type
)
select * from final order by dispute_count desc, dispute_type
