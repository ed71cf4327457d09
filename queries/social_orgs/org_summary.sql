-- the filtered register in one row (registry: command_center/figures.py): organizations in the
-- register at $end (staging: social_orgs_at), ratings, credit lists, people, and those newly
-- registered inside [$start, $end); listed_count = every organization the filters select
with
-- @include social_orgs/_selection

staged as (
    select *
    from social_orgs_at($end)
    where org_id in (select org_id from orgs)
),

final as (
    select
        count(*) as listed_count,
        count(*) filter (where is_registered) as registered_count,
        count(*) filter (where is_registered and rating in ('5A', '4A', '3A')) as rated_3a_count,
        count(*) filter (where is_registered and rating in ('5A', '4A', '3A', '2A', '1A'))
            as rated_count,
        count(*) filter (where is_abnormal) as abnormal_count,
        count(*) filter (where is_dishonest) as dishonest_count,
        count(*) filter (where is_registered and is_party_alliance) as party_count,
        cast(coalesce(sum(staff_count) filter (where is_registered), 0) as bigint) as staff_total,
        cast(coalesce(sum(volunteer_count) filter (where is_registered), 0) as bigint)
            as volunteer_total,
        count(*) filter (
            where is_registered and registered_on >= cast($start as date)
        ) as new_count
    from staged
)

select * from final
