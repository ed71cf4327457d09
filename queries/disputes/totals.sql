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
    -- every window keeps its row: one without disputes has 0 in each count and no rate,
    -- median or sum (columns(…) as '\0' keeps each column's name)
    select
        w.period_no,
        coalesce(columns(r.* exclude (period_no, success_rate, median_close_days, amount_total,
                                      amount_median)), 0) as '\0',
        r.success_rate,
        r.median_close_days,
        r.amount_total,
        r.amount_median,
        coalesce(columns(e.* exclude (period_no)), 0) as '\0'
    from periods as w
    left join received as r using (period_no)
    left join at_end as e using (period_no)
)
select * from final
order by period_no
