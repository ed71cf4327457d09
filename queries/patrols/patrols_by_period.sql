-- trend: completed tasks and participants per day/week/month ($grain) of the period, with the
-- same period one year earlier shifted forward by a year (each as of its own end)
with series as (
    select
        date_trunc($grain, planned_start_at)::date as bucket_on,
        'current' as series_name,
        participant_count
    from patrols_at($end)
    where planned_start_at >= $start
        and is_done
        and (len($communities) = 0 or list_contains($communities, community_code))
        and (len($patrol_types) = 0 or list_contains($patrol_types, patrol_type))
    union all
    select
        date_trunc($grain, planned_start_at + interval 1 year)::date as bucket_on,
        'year_ago' as series_name,
        participant_count
    from patrols_at($end - interval 1 year)
    where planned_start_at >= $start - interval 1 year
        and is_done
        and (len($communities) = 0 or list_contains($communities, community_code))
        and (len($patrol_types) = 0 or list_contains($patrol_types, patrol_type))
),
final as (
    select
        bucket_on,
        count(*) filter (where series_name = 'current') as done_count,
        coalesce(sum(participant_count) filter (where series_name = 'current'), 0)
            as participant_count,
        count(*) filter (where series_name = 'year_ago') as year_ago_done_count,
        coalesce(sum(participant_count) filter (where series_name = 'year_ago'), 0)
            as year_ago_participant_count
    from series
    group by bucket_on
)
select * from final order by bucket_on
