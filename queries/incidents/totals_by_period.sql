-- headline figures of the selection (registry: command_center/figures.py) for several windows
-- at once ($period_starts / $period_ends: this period, 环比, 同比 in one query), each as of its
-- own end (a year-ago window as of its own end, so both had the same time to close). The
-- same numbers as incidents/totals window by window; the handling-time median and 90th
-- percentile are exact (quantile_cont's interpolation between the two ranks around
-- (n − 1) × q) but found in two passes: the closed cases counted per 1/8-octave bucket of
-- seconds, then only the bucket holding a rank is sorted.
with
-- @include shared/_periods

selection as (
    select
        w.period_no,
        s.is_open,
        s.is_closed,
        s.is_returned,
        s.close_hours,
        -- the handling time's bucket: 1/8 octave of seconds (0: none or negative)
        case when s.close_hours > 0
            then 1 + floor(log2(s.close_hours * 3600.0) * 8)::integer else 0 end as bucket
    from periods as w,
        lateral (
            select * from incidents_at(w.period_end)
            where reported_at >= w.period_start
                -- @include incidents/_page_filters
        ) as s
),

counts as (
    select
        period_no,
        count(*) as incident_count,
        count(*) filter (where is_open) as unclosed_count,
        count(*) filter (where is_closed) as closed_count,
        count(*) filter (where is_returned) as returned_count,
        count(close_hours) as hours_count,
        count(*) filter (where close_hours <= 24) as closed_24h_count
    from selection
    group by period_no
),

buckets as (
    select
        period_no,
        bucket,
        count(*) as n,
        coalesce(sum(count(*)) over (partition by period_no order by bucket
                                     rows between unbounded preceding and 1 preceding), 0)
            as before_n
    from selection
    where close_hours is not null
    group by period_no, bucket
),

-- quantile_cont's ranks: rn = (n − 1) × q, the values at floor(rn) and ceil(rn) (0-based)
ranks as (
    select
        c.period_no,
        q.q,
        (c.hours_count - 1)::double * q.q as rn,
        unnest([floor((c.hours_count - 1)::double * q.q)::bigint,
                ceil((c.hours_count - 1)::double * q.q)::bigint]) as pos,
        unnest(['lo', 'hi']) as side
    from counts as c
    cross join (select unnest([0.5::double, 0.9::double]) as q) as q
    where c.hours_count > 0
),

located as (
    select r.*, b.bucket, (r.pos - b.before_n)::bigint as k
    from ranks as r
    join buckets as b
      on b.period_no = r.period_no and r.pos >= b.before_n and r.pos < b.before_n + b.n
),

-- the second pass: only the buckets holding a rank, sorted
sorted_buckets as (
    select period_no, bucket, list_sort(list(close_hours)) as hours
    from selection
    where (period_no, bucket) in (select (period_no, bucket) from located)
    group by period_no, bucket
),

picked as (
    select l.period_no, l.q, l.rn, l.side, s.hours[l.k + 1] as value
    from located as l
    join sorted_buckets as s using (period_no, bucket)
),

quantiles as (
    select
        period_no,
        q,
        max(value) filter (where side = 'lo') as lo,
        max(value) filter (where side = 'hi') as hi,
        max(rn) as rn
    from picked
    group by period_no, q
),

final as (
    select
        w.period_no,
        coalesce(c.incident_count, 0) as incident_count,
        coalesce(c.unclosed_count, 0) as unclosed_count,
        coalesce(c.closed_count, 0) as closed_count,
        coalesce(c.returned_count, 0) as returned_count,
        (select case when lo = hi then lo else lo + (hi - lo) * (rn - floor(rn)) end
         from quantiles as x where x.period_no = w.period_no and x.q = 0.5) as median_close_hours,
        (select case when lo = hi then lo else lo + (hi - lo) * (rn - floor(rn)) end
         from quantiles as x where x.period_no = w.period_no and x.q = 0.9) as p90_close_hours,
        coalesce(c.closed_24h_count, 0) as closed_24h_count,
        c.closed_24h_count / nullif(c.incident_count, 0) as closed_24h_rate
    from periods as w
    left join counts as c using (period_no)
)

select * from final order by period_no
