        -- per group of the selection: cases, closed, success rate, median days to close, amount
        count(*) as dispute_count,
        count(*) filter (where is_closed) as closed_count,
        count(*) filter (where is_success) as success_count,
        count(*) filter (where is_success) / nullif(count(*) filter (where is_concluded), 0)
            as success_rate,
        median(close_days) as median_close_days,
        sum(amount_yuan) as amount_total
