-- every community with its figures for the period (map shading, tooltips, side panel):
-- incidents and rate per 1,000 residents, disputes received / open (backlog at the period's
-- end) / concluded, registered organizations, shelters; is_selected follows the filter
with incident_counts as (
    select
        community_code,
        count(*) as incident_count,
        count(*) filter (where status in ('待受理', '处置中')) as open_count
    from incidents
    where reported_at >= $start and reported_at < $end
    group by community_code
),

dispute_counts as (
    select
        community_code,
        count(*) filter (where received_at >= $start) as dispute_count,
        count(*) filter (where status in ('已受理', '调处中')) as dispute_open_count,
        count(*) filter (
            where received_at >= $start and status in ('调解成功', '调解不成功', '已转诉讼', '已撤回')
        ) as dispute_closed_count,
        count(*) filter (where received_at >= $start and status = '调解成功') as success_count
    from disputes
    where received_at < $end
    group by community_code
),

org_counts as (
    select community_code, count(*) as org_count
    from social_orgs
    where status = '正常'
      and (registered_on is null or registered_on < cast($end as date))
    group by community_code
),

shelter_counts as (
    select community_code, count(*) as shelter_count, sum(capacity) as shelter_capacity
    from shelters
    group by community_code
),

final as (
    select
        c.community_code,
        c.community_name,
        c.area_name,
        c.population,
        coalesce(i.incident_count, 0) as incident_count,
        coalesce(i.open_count, 0) as open_count,
        round(coalesce(i.incident_count, 0) * 1000.0 / nullif(c.population, 0), 2)
            as rate_per_1000,
        coalesce(d.dispute_count, 0) as dispute_count,
        coalesce(d.dispute_open_count, 0) as dispute_open_count,
        coalesce(d.dispute_closed_count, 0) as dispute_closed_count,
        coalesce(d.success_count, 0) as success_count,
        coalesce(o.org_count, 0) as org_count,
        coalesce(s.shelter_count, 0) as shelter_count,
        coalesce(s.shelter_capacity, 0) as shelter_capacity,
        (len($communities) = 0 or list_contains($communities, c.community_code)) as is_selected
    from communities as c
    left join incident_counts as i using (community_code)
    left join dispute_counts as d using (community_code)
    left join org_counts as o using (community_code)
    left join shelter_counts as s using (community_code)
)

select * from final
order by community_code
