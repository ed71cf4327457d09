-- one typhoon's evacuation against plan per community, the worst shortfall first
with
-- @include typhoon/_records

grouped as (
    select
        r.community_code,
        c.community_name,
        -- @include typhoon/_group_progress
    from records as r
    left join communities as c using (community_code)
    group by all
),

-- @include typhoon/_shortfall
