-- headline figures of the disputes received in each window (registry: command_center/figures.py),
-- several windows at once ($period_starts / $period_ends: this period, 环比, 同比 in one query),
-- each as of its own end; plus the disputes open / overdue at each window's end whenever
-- received. One row per window (period_no), zeros where a window has no dispute.
with
-- @include shared/_periods
selection as (
    -- disputes received in the window, in the chosen communities, matching the page filters
    -- (an empty list means all), each with its state at the window's end (staging: disputes_at)
    select w.period_no, s.*
    from periods as w,
        lateral (
            select * from disputes_at(w.period_end)
            where received_at >= w.period_start
                -- @include disputes/_page_filters
        ) as s
),
open_at_end as (
    -- disputes still open at each window's end, whenever received (is_overdue: past its
    -- 化解时限 on that day)
    select w.period_no, s.is_overdue
    from periods as w,
        lateral (
            select is_overdue from disputes_at(w.period_end)
            where is_open
                -- @include disputes/_page_filters
        ) as s
),
received as (
    select
        period_no,
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
    group by period_no
),
at_end as (
    select
        period_no,
        count(*) as open_at_end_count,
        count(*) filter (where is_overdue) as overdue_at_end_count
    from open_at_end
    group by period_no
),
final as (
    select
        w.period_no,
        coalesce(r.dispute_count, 0) as dispute_count,
        coalesce(r.closed_count, 0) as closed_count,
        coalesce(r.concluded_count, 0) as concluded_count,
        coalesce(r.success_count, 0) as success_count,
        r.success_rate,
        r.median_close_days,
        r.amount_total,
        coalesce(r.open_count, 0) as open_count,
        coalesce(r.mediated_count, 0) as mediated_count,
        coalesce(r.failed_count, 0) as failed_count,
        coalesce(r.litigation_count, 0) as litigation_count,
        coalesce(r.withdrawn_count, 0) as withdrawn_count,
        r.amount_median,
        coalesce(r.with_amount_count, 0) as with_amount_count,
        coalesce(e.open_at_end_count, 0) as open_at_end_count,
        coalesce(e.overdue_at_end_count, 0) as overdue_at_end_count
    from periods as w
    left join received as r using (period_no)
    left join at_end as e using (period_no)
)
select * from final
order by period_no
