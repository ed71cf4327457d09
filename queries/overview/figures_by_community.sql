-- every community with its figures for the period (map shading, tooltips, side panel), each
-- as of the period's end (staging macros; registry: command_center/figures.py): incidents and
-- rate per 1,000 residents, 未办结 among them, disputes received / closed / successful, disputes
-- open at the end whenever received (期末在办), organizations in the register, shelters;
-- is_selected follows the filter
with incident_counts as (
    select
        community_code,
        count(*) as incident_count,
        count(*) filter (where is_open) as open_count
    from incidents_at($end)
    where reported_at >= $start
    group by community_code
),

dispute_counts as (
    select
        community_code,
        count(*) filter (where received_at >= $start) as dispute_count,
        count(*) filter (where is_open) as dispute_open_count,
        count(*) filter (where received_at >= $start and is_closed) as dispute_closed_count,
        count(*) filter (where received_at >= $start and is_success) as success_count
    from disputes_at($end)
    group by community_code
),

org_counts as (
    select community_code, count(*) as org_count
    from social_orgs_at($end)
    where is_registered
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
        per_1000(coalesce(i.incident_count, 0), c.population) as rate_per_1000,
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
