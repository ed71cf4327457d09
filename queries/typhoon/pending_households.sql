-- 应转未转: households of one typhoon still to move (status 待转移), biggest first
with
-- @include typhoon/_records

final as (
    select
        r.record_id,
        r.contact_name,
        r.contact_phone,
        r.category,
        r.person_count,
        c.community_name,
        s.shelter_name as planned_shelter_name,
        r.placement,
        r.notified_at
    from records as r
    left join communities as c on c.community_code = r.community_code
    left join shelters as s on s.shelter_id = r.planned_shelter_id
    where r.is_waiting
)

select * from final
order by community_name, person_count desc, record_id
