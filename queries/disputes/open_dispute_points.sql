-- open disputes today as map points (the page asks only when they are few); overdue first
with
-- @include disputes/_open_selection
final as (
    select
        d.dispute_id,
        d.received_at,
        d.dispute_type,
        d.status,
        d.risk_level,
        d.deadline_on,
        d.is_overdue,
        c.community_name,
        d.lon,
        d.lat
    from open_now d
    left join communities c using (community_code)
    where d.lon is not null and d.lat is not null
)
select * from final order by is_overdue desc, deadline_on limit $limit
