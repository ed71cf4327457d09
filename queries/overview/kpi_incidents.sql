-- incident totals for the overview KPI cards: the period, the previous period of equal length
-- (环比) and the same dates a year earlier (同比); "open" = reported in the window and still
-- 待受理 or 处置中
with filtered as (
    select reported_at, status
    from incidents
    where reported_at >= least($start, $prev_start, $ya_start)
      and reported_at < greatest($end, $prev_end, $ya_end)
      and (len($communities) = 0 or list_contains($communities, community_code))
),

final as (
    select
        count(*) filter (where reported_at >= $start and reported_at < $end) as incident_count,
        count(*) filter (where reported_at >= $prev_start and reported_at < $prev_end)
            as previous_count,
        count(*) filter (where reported_at >= $ya_start and reported_at < $ya_end)
            as year_ago_count,
        count(*) filter (
            where reported_at >= $start and reported_at < $end
              and status in ('待受理', '处置中')
        ) as open_count,
        count(*) filter (
            where reported_at >= $ya_start and reported_at < $ya_end
              and status in ('待受理', '处置中')
        ) as year_ago_open_count
    from filtered
)

select * from final
