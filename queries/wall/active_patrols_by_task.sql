-- 平安乐巡 tasks under way at $now (checked in, not yet out): team, community, people; no
-- personal data
with final as (
    select
        p.task_id,
        p.started_at,
        p.patrol_type,
        coalesce(t.team_name, p.team_id) as team_name,
        c.community_name,
        p.participant_count
    from patrols_at($now) p
    left join patrol_teams t using (team_id)
    left join communities c on c.community_code = p.community_code
    where p.is_active
)
select * from final order by started_at desc, task_id limit 30
