-- headline figures of the selection (registry: command_center/figures.py) for several windows
-- at once ($period_starts / $period_ends: this period, 环比, 同比 in one query), each as of its
-- own end: completed tasks, participants (人次), patrol hours, communities covered. One row per
-- window (period_no), zeros where a window has no task.
with
-- @include shared/_periods
selection as (
    -- tasks planned in the window, of the communities and task types (empty list = all), each
    -- with its state at the window's end (staging: patrols_at)
    select w.period_no, s.*
    from periods as w,
        lateral (
            select * from patrols_at(w.period_end)
            where planned_start_at >= w.period_start
                -- @include patrols/_page_filters
        ) as s
),
counts as (
    select
        period_no,
        count(*) as task_count,
        count(*) filter (where is_done) as done_count,
        count(*) filter (where is_cancelled) as cancelled_count,
        coalesce(sum(participant_count) filter (where is_done), 0) as participant_count,
        coalesce(sum(duration_hours), 0) as patrol_hours,
        coalesce(sum(person_hours), 0) as person_hours,
        count(distinct community_code) filter (where is_done) as community_count,
        coalesce(sum(points_awarded) filter (where is_done), 0) as points_total
    from selection
    group by period_no
),
final as (
    -- every window keeps its row: one without records has 0 in each column (columns(…) as
    -- '\0' keeps each column's name)
    select w.period_no, coalesce(columns(c.* exclude (period_no)), 0) as '\0'
    from periods as w
    left join counts as c using (period_no)
)
select * from final
order by period_no
