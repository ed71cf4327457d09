-- team ranking: completed tasks, participants and patrol hours of each team in the selection
with
-- @include patrols/_selection
done as (
    select
        team_id,
        count(*) as done_count,
        sum(participant_count) as participant_count,
        sum(duration_hours) as patrol_hours,
        sum(points_awarded) as points_total
    from selection
    where is_done
    group by team_id
),
final as (
    select
        d.team_id,
        coalesce(t.team_name, d.team_id) as team_name,
        t.kind,
        c.community_name,
        t.member_count,
        d.done_count,
        d.participant_count,
        d.patrol_hours,
        d.points_total
    from done d
    left join patrol_teams t using (team_id)
    left join communities c on c.community_code = t.community_code
)
select * from final order by done_count desc, team_id limit $limit
