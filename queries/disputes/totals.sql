-- headline figures of the disputes received in the period (registry: command_center/figures.py),
-- each as of the period's end; plus the disputes open / overdue at the end whenever received
with
-- @include disputes/_selection
-- @include disputes/_open_selection
received as (
    select
        count(*) as dispute_count,
        count(*) filter (where is_closed) as closed_count,
        count(*) filter (where is_concluded) as concluded_count,
        count(*) filter (where is_success) as success_count,
        count(*) filter (where is_success) / nullif(count(*) filter (where is_concluded), 0)
            as success_rate,
        median(close_days) as median_close_days,
        sum(amount_yuan) as amount_total,
        count(*) filter (where is_open) as open_count,
        count(*) filter (where is_mediating) as mediated_count,
        count(*) filter (where is_concluded and status = '调解不成功') as failed_count,
        count(*) filter (where is_concluded and status = '已转诉讼') as litigation_count,
        count(*) filter (where is_withdrawn) as withdrawn_count,
        median(amount_yuan) as amount_median,
        count(*) filter (where amount_yuan > 0) as with_amount_count
    from selection
),
at_end as (
    select
        count(*) as open_at_end_count,
        count(*) filter (where is_overdue) as overdue_at_end_count
    from open_now
),
final as (
    select * from received, at_end
)
select * from final
