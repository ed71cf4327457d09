-- the filtered register in one row per window (registry: command_center/figures.py), several
-- windows at once ($period_starts / $period_ends: this period, 环比, 同比 in one query):
-- organizations in the register at each window's end (staging: social_orgs_at), ratings,
-- credit lists, people, and those newly registered inside the window; listed_count = every
-- organization the filters select
with
-- @include social_orgs/_selection
-- @include shared/_periods

staged as (
    select w.period_no, w.period_start, s.*
    from periods as w,
        lateral (select * from social_orgs_at(w.period_end)) as s
    where s.org_id in (select org_id from orgs)
),

counts as (
    select
        period_no,
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
            where is_registered and registered_on >= cast(period_start as date)
        ) as new_count
    from staged
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
