-- patrol coverage against incidents per community in the period: completed tasks, patrol
-- hours, and the incidents reported (staging: incidents_at), both as of the period's end;
-- hours per incident is the gap measure (few patrol hours where incidents are many)
with
-- @include patrols/_selection
patrolled as (
    select
        community_code,
        count(*) filter (where is_done) as done_count,
        coalesce(sum(participant_count) filter (where is_done), 0) as participant_count,
        coalesce(sum(duration_hours), 0) as patrol_hours
    from selection
    group by community_code
),
reported as (
    select community_code, count(*) as incident_count
    from incidents_at($end)
    where reported_at >= $start
    group by community_code
),
final as (
    select
        c.community_code,
        c.community_name,
        c.population,
        coalesce(p.done_count, 0) as done_count,
        coalesce(p.participant_count, 0) as participant_count,
        coalesce(p.patrol_hours, 0) as patrol_hours,
        coalesce(r.incident_count, 0) as incident_count,
        coalesce(p.patrol_hours, 0) / nullif(r.incident_count, 0) as hours_per_incident
    from communities c
    left join patrolled p using (community_code)
    left join reported r using (community_code)
    where len($communities) = 0 or list_contains($communities, c.community_code)
)
select * from final order by patrol_hours desc, community_code
