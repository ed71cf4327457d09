-- one typhoon's evacuation against plan per category, the worst shortfall first
with
-- @include typhoon/_records

grouped as (
    select
        coalesce(r.category, '其他') as category,
        -- @include typhoon/_group_progress
    from records as r
    group by all
),

-- @include typhoon/_shortfall
