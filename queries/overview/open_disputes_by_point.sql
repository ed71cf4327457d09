-- disputes still open at the end of the period (staging: disputes_at), as map points: the riskiest
-- and oldest first, at most $limit; total_open tells the page whether the list was cut
with filtered as (
    select
        d.dispute_id,
        d.dispute_type,
        d.risk_level,
        d.status,
        d.received_at,
        d.deadline_on,
        d.is_overdue,
        d.community_code,
        d.lon,
        d.lat
    from disputes_at($end) as d
    where d.is_open
      and d.lon is not null
      and d.lat is not null
      and (len($communities) = 0 or list_contains($communities, d.community_code))
),

final as (
    select
        f.dispute_id,
        f.dispute_type,
        f.risk_level,
        f.status,
        f.received_at,
        f.deadline_on,
        f.is_overdue,
        c.community_name,
        f.lon,
        f.lat,
        count(*) over () as total_open
    from filtered as f
    left join communities as c using (community_code)
)

select * from final
order by
    case risk_level when '红' then 0 when '橙' then 1 when '黄' then 2 when '蓝' then 3 else 4 end,
    received_at
limit $limit
