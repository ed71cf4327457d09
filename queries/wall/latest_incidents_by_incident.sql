-- the latest incidents for the wall: time, category, community — never personal data
with latest as (
    select reported_at, category, community_code
    from incidents_at($now::timestamp)
    order by reported_at desc, incident_id desc
    limit $limit
),

final as (
    select
        l.reported_at,
        coalesce(l.category, '其他') as category,
        coalesce(c.community_name, '未知社区') as community_name
    from latest as l
    left join communities as c on c.community_code = l.community_code
)

select * from final
order by reported_at desc
