-- tasks under way at $end (checked in, not yet checked out) and the people on them, whenever
-- they were planned (staging: patrols_at.is_active)
with final as (
    select
        count(*) as active_count,
        coalesce(sum(participant_count), 0) as people_on_patrol
    from patrols_at($end)
    where is_active
        and (len($communities) = 0 or list_contains($communities, community_code))
)
select * from final
