-- trend: incidents per day/week/month ($grain) of the period, with the same period one year
-- earlier shifted forward by a year, so both series share the x axis
with selection as (
    -- the page selection: period, communities and the page filters (empty list = all)
    select *
    from incidents_at($end)
    where (reported_at >= $start
           or (reported_at >= $start - interval 1 year and reported_at < $end - interval 1 year))
        -- @include incidents/_page_filters
),
series as (
    select
        date_trunc($grain, reported_at)::date as bucket_on,
        'current' as series_name
    from selection
    where reported_at >= $start
    union all
    select
        date_trunc($grain, reported_at + interval 1 year)::date as bucket_on,
        'year_ago' as series_name
    from selection
    where reported_at < $end - interval 1 year
),
final as (
    select
        bucket_on,
        count(*) filter (where series_name = 'current') as incident_count,
        count(*) filter (where series_name = 'year_ago') as year_ago_count
    from series
    group by bucket_on
)
select * from final order by bucket_on
