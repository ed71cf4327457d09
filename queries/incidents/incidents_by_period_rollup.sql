-- incidents/incidents_by_period, the same numbers read from the roll-up incidents_daily
-- (command_center/rollups.py) for the days it covers: a whole day inside the window, before
-- the roll-up's build day ($rollup_before) and before the window's end; the window's other days
-- (the running day, a day cut at now, days after the build) are counted from the records
with spans as (
    select
        series_name,
        span_start,
        span_end,
        -- whole days from the first midnight at or after the start to the last before the end
        cast(date_trunc('day', span_start + interval 1 day - interval 1 microsecond) as date)
            as day_from,
        cast(least(date_trunc('day', span_end), $rollup_before::timestamp) as date) as day_to,
        shift
    from (values
        ('current', $start::timestamp, $end::timestamp, interval 0 year),
        ('year_ago', $start::timestamp - interval 1 year, $end::timestamp - interval 1 year,
         interval 1 year)
    ) as v(series_name, span_start, span_end, shift)
),

rolled as (
    select s.series_name, r.day + s.shift as reported_on, r.incident_count
    from spans as s
    join incidents_daily as r on r.day >= s.day_from and r.day < s.day_to
    where true
        -- @include incidents/_rollup_filters
),

counted as (
    select s.series_name, i.reported_at + s.shift as reported_on, 1 as incident_count
    from spans as s
    join incidents_at($end) as i
      on i.reported_at >= s.span_start and i.reported_at < s.span_end
     and (i.reported_at < s.day_from or i.reported_at >= greatest(s.day_to, s.day_from))
    where true
        -- @include incidents/_page_filters
),

series as (
    select series_name, date_trunc($grain, reported_on)::date as bucket_on, incident_count
    from (select * from rolled union all select * from counted)
),

final as (
    select
        bucket_on,
        sum(incident_count) filter (where series_name = 'current') as incident_count,
        sum(incident_count) filter (where series_name = 'year_ago') as year_ago_count
    from series
    group by bucket_on
)

select
    bucket_on,
    coalesce(incident_count, 0)::bigint as incident_count,
    coalesce(year_ago_count, 0)::bigint as year_ago_count
from final
order by bucket_on
