-- disputes still open at the end of the period (staging: disputes_at), as map points: the riskiest
-- and oldest first, at most $limit; total_open tells the page whether the list was cut
with final as (
    select
        d.dispute_id, d.dispute_type, d.risk_level, d.status, d.received_at, d.deadline_on,
        d.is_overdue, c.community_name, d.lon, d.lat,
        count(*) over () as total_open
    from disputes_at($end) as d
    left join communities as c using (community_code)
    where d.is_open
        -- @include overview/_on_map
)

select * from final
order by
    case risk_level when '红' then 0 when '橙' then 1 when '黄' then 2 when '蓝' then 3 else 4 end,
    received_at
limit $limit
