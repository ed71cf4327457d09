-- one row per community (of the selection) for the briefing's community table: incidents in
-- the period, the comparison period (环比) and a year earlier (同比), the rate per 1,000
-- residents, disputes received, and disputes open and past their deadline at the period's end
-- (open at the end = received before it and not closed before it; overdue = its 化解时限 is
-- before the period's last day, as the disputes page counts it against today)
with incident_counts as (
    select
        community_code,
        count(*) filter (where reported_at >= $start and reported_at < $end) as incident_count,
        count(*) filter (where reported_at >= $prev_start and reported_at < $prev_end)
            as previous_count,
        count(*) filter (where reported_at >= $ya_start and reported_at < $ya_end)
            as year_ago_count
    from incidents
    where reported_at >= least($start, $prev_start, $ya_start)
      and reported_at < greatest($end, $prev_end, $ya_end)
    group by community_code
),

open_at_end as (
    select community_code, deadline_on
    from disputes
    where received_at < $end
      and case when closed_at is not null then closed_at >= $end
               else status in ('已受理', '调处中') end
),

dispute_counts as (
    select
        community_code,
        count(*) filter (where received_at >= $start and received_at < $end) as dispute_count,
        count(*) filter (where received_at >= $ya_start and received_at < $ya_end)
            as dispute_year_ago_count
    from disputes
    where received_at >= least($start, $ya_start) and received_at < greatest($end, $ya_end)
    group by community_code
),

backlog as (
    select
        community_code,
        count(*) as open_dispute_count,
        count(*) filter (where deadline_on < cast($end - interval 1 day as date))
            as overdue_count
    from open_at_end
    group by community_code
),

final as (
    select
        c.community_code,
        c.community_name,
        c.area_name,
        c.population,
        coalesce(i.incident_count, 0) as incident_count,
        coalesce(i.previous_count, 0) as previous_count,
        coalesce(i.year_ago_count, 0) as year_ago_count,
        case when c.population > 0
            then coalesce(i.incident_count, 0) * 1000.0 / c.population end as rate_per_1000,
        coalesce(d.dispute_count, 0) as dispute_count,
        coalesce(d.dispute_year_ago_count, 0) as dispute_year_ago_count,
        coalesce(b.open_dispute_count, 0) as open_dispute_count,
        coalesce(b.overdue_count, 0) as overdue_count
    from communities as c
    left join incident_counts as i using (community_code)
    left join dispute_counts as d using (community_code)
    left join backlog as b using (community_code)
    where len($communities) = 0 or list_contains($communities, c.community_code)
)

select * from final
order by area_name, community_code
