-- headline figures of the selection: counts, and handling time reported → closed
with
-- @include incidents/_selection
handled as (
    select
        *,
        date_diff('second', reported_at, closed_at) / 3600.0 as close_hours
    from selection
),
final as (
    select
        count(*) as incident_count,
        count(*) filter (where status in ('待受理', '处置中')) as open_count,
        count(*) filter (where status = '已办结') as closed_count,
        count(*) filter (where status = '已退回') as returned_count,
        median(close_hours) filter (where status = '已办结') as median_close_hours,
        quantile_cont(close_hours, 0.9) filter (where status = '已办结') as p90_close_hours,
        count(*) filter (where status = '已办结' and close_hours <= 24) as closed_24h_count
    from handled
)
select * from final
