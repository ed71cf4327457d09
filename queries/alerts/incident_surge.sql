-- incidents of the last $window_minutes minutes before $now per community or per category
-- ($group_by), against the same clock window on the same weekday of the $weeks weeks before:
-- a group surges when its count is at least $min_count and above mean + $k × σ of those weeks
-- (weeks before the first incident are left out of the baseline, not counted as zero)
with windows as (
    select
        w as week_no,
        cast($now as timestamp) - to_weeks(w) as until_at
    from range(0, $weeks + 1) as r(w)
    where cast($now as timestamp) - to_weeks(w) - to_minutes($window_minutes)
        >= (select min(reported_at) from incidents)
        or w = 0
),

hits as (
    select
        w.week_no,
        case when $group_by = 'category' then i.category else i.community_code end as group_code,
        count(*) as n
    from windows as w
    inner join incidents_at($now) as i
        on i.reported_at >= w.until_at - to_minutes($window_minutes)
        and i.reported_at < w.until_at
    where len($communities) = 0 or list_contains($communities, i.community_code)
    group by all
),

current_groups as (
    select group_code, n as current_count
    from hits
    where week_no = 0 and group_code is not null
),

baseline as (
    select
        g.group_code,
        count(*) as baseline_weeks,
        avg(coalesce(h.n, 0)) as baseline_mean,
        coalesce(stddev_pop(coalesce(h.n, 0)), 0) as baseline_sd
    from current_groups as g
    cross join (select week_no from windows where week_no > 0) as w
    left join hits as h on h.group_code = g.group_code and h.week_no = w.week_no
    group by g.group_code
),

final as (
    select
        g.group_code,
        case when $group_by = 'category' then g.group_code
            else coalesce(c.community_name, g.group_code) end as group_name,
        g.current_count,
        coalesce(b.baseline_weeks, 0) as baseline_weeks,
        coalesce(b.baseline_mean, 0) as baseline_mean,
        coalesce(b.baseline_sd, 0) as baseline_sd,
        coalesce(b.baseline_mean, 0) + $k * coalesce(b.baseline_sd, 0) as threshold
    from current_groups as g
    left join baseline as b using (group_code)
    left join communities as c on $group_by = 'community' and c.community_code = g.group_code
    where g.current_count >= $min_count
        and g.current_count > coalesce(b.baseline_mean, 0) + $k * coalesce(b.baseline_sd, 0)
)

select * from final
order by current_count desc, group_code
