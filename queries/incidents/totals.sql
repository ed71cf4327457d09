-- headline figures of the selection: counts, and handling time reported → closed
with selection as (
    -- the page selection: period, communities and the page filters (empty list = all)
    select *
    from incidents
    where reported_at >= $start and reported_at < $end
        and (len($communities) = 0 or list_contains($communities, community_code))
        and (len($sources) = 0 or list_contains($sources, source))
        and (len($categories) = 0 or list_contains($categories, category))
        and (len($subcategories) = 0 or list_contains($subcategories, subcategory))
        and (len($severities) = 0 or list_contains($severities, severity))
        and (len($statuses) = 0 or list_contains($statuses, status))
        and (len($weekdays) = 0 or list_contains($weekdays, isodow(reported_at)))
        and hour(reported_at) between $min_hour and $max_hour
        and (coalesce($q, '') = ''
             or address ilike $q escape '\' or summary ilike $q escape '\')
),
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
