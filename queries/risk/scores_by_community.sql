-- 四色预警: risk score of every community for one or more periods.
-- The model (weights, normalization, thresholds, colours) is risk.toml, passed in by
-- command_center/risk.py as $risk_* parameters; this file only measures the raw indicators
-- and applies the model. Normalization is across all communities of a period; the
-- $communities filter (empty = all) is applied at the very end.
-- @county-wide (a scoped viewer gets their communities' rows of the county-wide scores)
--
-- Each period is a scored window [period_start, period_end): command_center/risk.py has already
-- widened a short view to the model's minimum window (risk.scored_window). Records are read
-- through the staging macros (queries/_staging.sql) as of the window's end: nothing stamped
-- later is counted, and a dispute's state (open, overdue) is its state at that moment.
with
-- @include shared/_periods

spans as (
    select
        period_no,
        period_start,
        period_end,
        (period_start - interval 1 year)::timestamp as yoy_start,
        (period_end - interval 1 year)::timestamp as yoy_end,
        -- elapsed days (a window ending now inside its last day counts the part elapsed)
        greatest(date_diff('second', period_start, period_end) / 86400.0, 1.0) as days
    from periods
),

-- the first day with incidents: a 同比 window starting before it has no data (not zero)
data_start as (
    select cast(cast(min(reported_at) as date) as timestamp) as first_at from incidents
),

model as (
    select
        unnest($risk_indicators) as indicator,
        unnest($risk_weights)::double as weight,
        unnest($risk_methods) as method,
        unnest($risk_lows)::double as low,
        unnest($risk_highs)::double as high,
        unnest($risk_higher_is_worse) as higher_is_worse,
        unnest($risk_per_1000) as per_1000
),

total_weight as (
    select nullif(sum(weight), 0) as total from model
),

category_weights as (
    select
        unnest($risk_categories) as category,
        unnest($risk_category_weights)::double as category_weight
),

levels as (
    select
        unnest(range(len($risk_level_names))) as level_rank,
        unnest($risk_level_names) as level,
        unnest($risk_level_colors) as color,
        unnest($risk_level_mins)::double as min_score
),

bounds as (
    select min(yoy_start) as lo, max(period_end) as hi from spans
),

-- incidents: whole days before $rollup_before (the roll-ups' cut-off, command_center/rollups.py;
-- null: none) lying wholly inside a window are counted from incidents_daily; every other
-- incident (after the cut-off, or on a day a window or its 同比 window cuts) from the records.
-- Both give the same sums (tests/test_rollups.py): a rolled day inside a window is counted
-- once, from the roll-up, and its records are left out for that window.
-- days a window or its 同比 window starts or ends inside (not at midnight)
edge_days as (
    select distinct cast(x as date) as d
    from spans, unnest([period_start, period_end, yoy_start, yoy_end]) as t(x)
    where x <> date_trunc('day', x)
),

-- the records still needed, filtered before anything is joined to them; the bounds are written
-- as expressions of the parameters (not read from a CTE) so the scan skips whole row groups:
-- from a year before the earliest window to the latest window's end (= bounds lo, hi)
incident_records as (
    select
        i.community_code,
        i.reported_at,
        date_trunc('day', i.reported_at) + interval 1 day
            <= coalesce($rollup_before::timestamp, '-infinity'::timestamp) as day_rolled,
        coalesce(cw.category_weight, $risk_other_weight) as weighted
    from (
        select community_code, reported_at, category
        from incidents_at(list_max($period_ends)::timestamp)
        where reported_at >= list_min($period_starts)::timestamp - interval 1 year
          and community_code is not null
          and (reported_at >= coalesce($rollup_before::timestamp, '-infinity'::timestamp)
               or cast(reported_at as date) in (select d from edge_days))
    ) as i
    left join category_weights as cw on i.category = cw.category
),

incident_days as (
    select
        r.community_code,
        cast(r.day as timestamp) as day_start,
        sum(r.incident_count * coalesce(cw.category_weight, $risk_other_weight)) as weighted
    from incidents_daily as r
    left join category_weights as cw on r.category = cw.category
    where $rollup_before is not null
      and cast(r.day as timestamp) + interval 1 day <= $rollup_before::timestamp
      and r.day >= cast(list_min($period_starts)::timestamp - interval 1 year as date)
      and r.community_code is not null
    group by all
),

-- incidents reported in the window [period_start, period_end) and in the same window a year
-- earlier [yoy_start, yoy_end), to the moment
incident_pieces as (
    select
        s.period_no,
        d.community_code,
        d.weighted,
        d.reported_at >= s.period_start and d.reported_at < s.period_end
            and not (d.day_rolled and date_trunc('day', d.reported_at) >= s.period_start
                     and date_trunc('day', d.reported_at) + interval 1 day <= s.period_end)
            as in_period,
        d.reported_at >= s.yoy_start and d.reported_at < s.yoy_end
            and not (d.day_rolled and date_trunc('day', d.reported_at) >= s.yoy_start
                     and date_trunc('day', d.reported_at) + interval 1 day <= s.yoy_end)
            as in_yoy
    from spans as s
    join incident_records as d
      on d.reported_at >= s.yoy_start and d.reported_at < s.period_end
    union all
    select
        s.period_no,
        r.community_code,
        r.weighted,
        r.day_start >= s.period_start and r.day_start + interval 1 day <= s.period_end,
        r.day_start >= s.yoy_start and r.day_start + interval 1 day <= s.yoy_end
    from spans as s
    join incident_days as r
      on r.day_start >= s.yoy_start and r.day_start < s.period_end
),

incident_sums as (
    select
        period_no,
        community_code,
        sum(weighted) filter (where in_period) as weighted,
        sum(weighted) filter (where in_yoy) as weighted_yoy
    from incident_pieces
    where in_period or in_yoy
    group by all
),

-- disputes open (在办) and overdue (超期) at the end of each window, as of that moment
dispute_backlog as (
    select
        s.period_no,
        d.community_code,
        count(*) filter (where d.is_open) as open_count,
        count(*) filter (where d.is_overdue) as overdue_count
    from spans as s,
        lateral (select * from disputes_at(s.period_end)) as d
    where d.community_code is not null
    group by all
),

-- a repeat: the same parties in the same community within the window before
dispute_repeats as (
    select
        community_code,
        received_at,
        received_at - lag(received_at) over (
            partition by community_code, trim(party_names) order by received_at
        ) <= to_days($risk_repeat_window_days::integer) as is_repeat
    from disputes_at((select hi from bounds))
    where community_code is not null
      and nullif(trim(party_names), '') is not null
),

repeat_counts as (
    select s.period_no, r.community_code, count(*) as repeat_count
    from spans as s
    join dispute_repeats as r
      on r.received_at >= s.period_start and r.received_at < s.period_end
    where r.is_repeat
    group by all
),

-- the last typhoon whose warning started before the end of the period
last_typhoon as (
    select s.period_no, arg_max(t.typhoon_id, t.warning_start_at) as typhoon_id
    from spans as s
    join typhoons as t on t.warning_start_at < s.period_end
    group by all
),

evacuation_gaps as (
    select
        lt.period_no,
        e.community_code,
        sum(e.person_count) as planned,
        -- 应转未转: on the list and not moved (is_pending, queries/_staging.sql)
        coalesce(sum(e.person_count) filter (where e.is_pending), 0) as pending
    from last_typhoon as lt
    join evacuations_staged() as e on e.typhoon_id = lt.typhoon_id
    where e.community_code is not null
    group by all
),

per_1000 as (
    select
        max(per_1000) filter (where indicator = 'open_disputes') as open_disputes,
        max(per_1000) filter (where indicator = 'overdue_disputes') as overdue_disputes,
        max(per_1000) filter (where indicator = 'repeat_disputes') as repeat_disputes
    from model
),

raw as (
    select
        s.period_no,
        s.period_start,
        c.community_code,
        c.community_name,
        c.area_name,
        coalesce(n.weighted, 0) as weighted_incidents,
        -- no data a year earlier (the window starts before the first incident): null, 0 points
        case when s.yoy_start >= ds.first_at then coalesce(n.weighted_yoy, 0) end
            as weighted_incidents_yoy,
        coalesce(n.weighted, 0) * 1000.0 / nullif(c.population, 0) * 365.0 / s.days
            as incident_rate,
        case when s.yoy_start >= ds.first_at then
            (coalesce(n.weighted, 0) - coalesce(n.weighted_yoy, 0))
            / (coalesce(n.weighted_yoy, 0) + $risk_yoy_smoothing) end as incident_yoy,
        case when pk.open_disputes
            then coalesce(b.open_count, 0) * 1000.0 / nullif(c.population, 0)
            else coalesce(b.open_count, 0) end as open_disputes,
        case when pk.overdue_disputes
            then coalesce(b.overdue_count, 0) * 1000.0 / nullif(c.population, 0)
            else coalesce(b.overdue_count, 0) end as overdue_disputes,
        case when pk.repeat_disputes
            then coalesce(r.repeat_count, 0) * 1000.0 / nullif(c.population, 0)
            else coalesce(r.repeat_count, 0) end as repeat_disputes,
        -- least() skips nulls: keep 'no population' null explicitly
        case when c.population > 0
            then least(coalesce(c.floating_population, 0) * 1.0 / c.population, 1.0)
        end as floating_share,
        coalesce(g.pending * 1.0 / nullif(g.planned, 0), 0.0) as evacuation_shortfall,
        t.name_cn as typhoon_name
    from spans as s
    cross join communities as c
    cross join per_1000 as pk
    cross join data_start as ds
    left join incident_sums as n
      on n.period_no = s.period_no and n.community_code = c.community_code
    left join dispute_backlog as b
      on b.period_no = s.period_no and b.community_code = c.community_code
    left join repeat_counts as r
      on r.period_no = s.period_no and r.community_code = c.community_code
    left join evacuation_gaps as g
      on g.period_no = s.period_no and g.community_code = c.community_code
    left join last_typhoon as lt on lt.period_no = s.period_no
    left join typhoons as t on t.typhoon_id = lt.typhoon_id
),

long as (
    select period_no, community_code, indicator, raw_value
    from (
        select
            period_no,
            community_code,
            incident_rate::double as incident_rate,
            incident_yoy::double as incident_yoy,
            open_disputes::double as open_disputes,
            overdue_disputes::double as overdue_disputes,
            repeat_disputes::double as repeat_disputes,
            floating_share::double as floating_share,
            evacuation_shortfall::double as evacuation_shortfall
        from raw
    ) unpivot include nulls (
        raw_value for indicator in (
            incident_rate, incident_yoy, open_disputes, overdue_disputes, repeat_disputes,
            floating_share, evacuation_shortfall
        )
    )
),

normalized as (
    select
        l.period_no,
        l.community_code,
        l.indicator,
        l.raw_value,
        m.weight,
        case m.method
            when 'minmax' then
                (l.raw_value - min(l.raw_value) over w)
                / nullif(max(l.raw_value) over w - min(l.raw_value) over w, 0)
            when 'cap' then
                least(greatest((l.raw_value - m.low) / nullif(m.high - m.low, 0), 0.0), 1.0)
            when 'rank' then
                (rank() over (partition by l.period_no, l.indicator order by l.raw_value) - 1)
                / nullif(count(l.raw_value) over w - 1, 0)
        end as norm
    from long as l
    join model as m on m.indicator = l.indicator
    window w as (partition by l.period_no, l.indicator)
),

points as (
    select
        n.period_no,
        n.community_code,
        n.indicator,
        100.0 * n.weight / tw.total * case
            when n.raw_value is null or n.norm is null then 0.0
            when m.higher_is_worse then n.norm
            else 1.0 - n.norm
        end as points
    from normalized as n
    join model as m on m.indicator = n.indicator
    cross join total_weight as tw
),

scored as (
    select
        period_no,
        community_code,
        round(sum(points), 2) as score,
        sum(points) filter (where indicator = 'incident_rate') as incident_rate_points,
        sum(points) filter (where indicator = 'incident_yoy') as incident_yoy_points,
        sum(points) filter (where indicator = 'open_disputes') as open_disputes_points,
        sum(points) filter (where indicator = 'overdue_disputes') as overdue_disputes_points,
        sum(points) filter (where indicator = 'repeat_disputes') as repeat_disputes_points,
        sum(points) filter (where indicator = 'floating_share') as floating_share_points,
        sum(points) filter (where indicator = 'evacuation_shortfall')
            as evacuation_shortfall_points
    from points
    group by all
),

leveled as (
    select sc.*, lv.level, lv.level_rank, lv.color
    from scored as sc
    asof left join levels as lv on sc.score >= lv.min_score
),

final as (
    select
        r.period_no,
        r.period_start,
        r.community_code,
        r.community_name,
        r.area_name,
        lv.score,
        lv.level,
        lv.level_rank,
        lv.color,
        r.incident_rate,
        lv.incident_rate_points,
        r.incident_yoy,
        lv.incident_yoy_points,
        r.open_disputes,
        lv.open_disputes_points,
        r.overdue_disputes,
        lv.overdue_disputes_points,
        r.repeat_disputes,
        lv.repeat_disputes_points,
        r.floating_share,
        lv.floating_share_points,
        r.evacuation_shortfall,
        lv.evacuation_shortfall_points,
        r.weighted_incidents,
        r.weighted_incidents_yoy,
        r.typhoon_name
    from raw as r
    join leveled as lv on lv.period_no = r.period_no and lv.community_code = r.community_code
    where len($communities) = 0 or list_contains($communities, r.community_code)
)

select * from final
order by period_no, score desc, community_code
