-- disputes open at the period's end and past their deadline then, longest overdue first (no
-- party names: the briefing is forwarded)
-- (staging: disputes_at($end) is_overdue, the registry's 期末超期纠纷)
with open_at_end as (
    select *
    from disputes_at($end)
    where is_overdue
      and (len($communities) = 0 or list_contains($communities, community_code))
),

final as (
    select
        d.dispute_id,
        cast(d.received_at as date) as received_on,
        d.dispute_type,
        c.community_name,
        d.mediation_channel,
        d.risk_level,
        d.deadline_on,
        date_diff('day', d.deadline_on, cast($end as date)) as days_overdue
    from open_at_end as d
    left join communities as c using (community_code)
)

select * from final
order by days_overdue desc, dispute_id
limit $limit
