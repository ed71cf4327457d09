-- headline figures of the disputes received in the period (closed = 调解成功, 调解不成功,
-- 已转诉讼, 已撤回; success rate = 调解成功 / closed)
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
        count(*) as dispute_count,
        count(*) filter (where is_closed) as closed_count,
        count(*) filter (where status = '调解成功') as success_count,
        count(*) filter (where status = '调解成功') / nullif(count(*) filter (where is_closed), 0)
            as success_rate,
        median(close_days) filter (where is_closed) as median_close_days,
        sum(amount_yuan) as amount_total,
        count(*) filter (where status in ('已受理', '调处中')) as open_count,
        count(*) filter (where status in ('调处中', '调解成功', '调解不成功', '已转诉讼'))
            as mediated_count,
        count(*) filter (where status = '调解不成功') as failed_count,
        count(*) filter (where status = '已转诉讼') as litigation_count,
        count(*) filter (where status = '已撤回') as withdrawn_count,
        median(amount_yuan) as amount_median,
        count(*) filter (where amount_yuan > 0) as with_amount_count
    from flagged
)
select * from final
