-- records of the selection, newest first, one page ($limit rows from $offset); times after
-- the period's end are not shown (state as of the end)
with
-- @include patrols/_selection
final as (
    select
        s.task_id,
        s.planned_start_at,
        s.planned_end_at,
        case when s.started_at < $end then s.started_at end as started_at,
        case when s.ended_at < $end then s.ended_at end as ended_at,
        s.status_at as status,
        s.patrol_type,
        t.team_name,
        c.community_name,
        s.participant_count,
        s.duration_hours,
        case when s.is_done then s.points_awarded end as points_awarded
    from selection s
    left join patrol_teams t using (team_id)
    left join communities c on c.community_code = s.community_code
)
select * from final order by planned_start_at desc, task_id limit $limit offset $offset
