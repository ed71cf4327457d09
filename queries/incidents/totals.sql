-- headline figures of the selection (registry: command_center/figures.py): counts, and the
-- handling time reported → 办结, each as of the period's end (a year-ago period as of its own
-- end, so both had the same time to close)
with
-- @include incidents/_selection
final as (
    select
        count(*) as incident_count,
        count(*) filter (where is_open) as unclosed_count,
        count(*) filter (where is_closed) as closed_count,
        count(*) filter (where is_returned) as returned_count,
        median(close_hours) as median_close_hours,
        quantile_cont(close_hours, 0.9) as p90_close_hours,
        count(*) filter (where close_hours <= 24) as closed_24h_count,
        count(*) filter (where close_hours <= 24) / nullif(count(*), 0) as closed_24h_rate
    from selection
)
select * from final
