-- headline figures of the selection (registry: command_center/figures.py), each as of the
-- period's end: completed tasks, participants (人次), patrol hours, communities covered
with
-- @include patrols/_selection
final as (
    select
        count(*) as task_count,
        count(*) filter (where is_done) as done_count,
        count(*) filter (where is_cancelled) as cancelled_count,
        coalesce(sum(participant_count) filter (where is_done), 0) as participant_count,
        coalesce(sum(duration_hours), 0) as patrol_hours,
        coalesce(sum(person_hours), 0) as person_hours,
        count(distinct community_code) filter (where is_done) as community_count,
        coalesce(sum(points_awarded) filter (where is_done), 0) as points_total
    from selection
)
select * from final
