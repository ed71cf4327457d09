-- records of the selection, newest first, one page ($limit rows from $offset)
with
-- @include incidents/_selection
final as (
    select
        s.incident_id,
        s.reported_at,
        s.source,
        s.category,
        s.subcategory,
        s.severity,
        s.status,
        s.closed_at,
        c.community_name,
        s.address,
        s.summary,
        s.reporter_name,
        s.reporter_phone,
        s.satisfaction
    from selection s
    left join communities c using (community_code)
)
select * from final order by reported_at desc, incident_id limit $limit offset $offset
