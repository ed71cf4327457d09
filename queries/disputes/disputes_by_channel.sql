-- disputes received in the period by mediation_channel: cases, success rate, median days to close
with
-- @include disputes/_selection
final as (
    select
        mediation_channel,
        count(*) as dispute_count,
        count(*) filter (where is_closed) as closed_count,
        count(*) filter (where is_success) as success_count,
        count(*) filter (where is_success) / nullif(count(*) filter (where is_concluded), 0)
            as success_rate,
        median(close_days) as median_close_days,
        sum(amount_yuan) as amount_total
    from selection
    group by mediation_channel
)
select * from final order by dispute_count desc, mediation_channel
