-- disputes received in the period by amount involved (涉及金额) band
with selection as (
    -- disputes received in the period, in the chosen communities, matching the page filters
    -- (an empty list means all)
    select *
    from disputes
    where received_at >= $start and received_at < $end
        and (len($communities) = 0 or list_contains($communities, community_code))
        and (len($dispute_types) = 0 or list_contains($dispute_types, dispute_type))
        and (len($sources) = 0 or list_contains($sources, source))
        and (len($channels) = 0 or list_contains($channels, mediation_channel))
        and (len($statuses) = 0 or list_contains($statuses, status))
        and (len($risk_levels) = 0 or list_contains($risk_levels, risk_level))
        and (len($org_ids) = 0 or list_contains($org_ids, mediator_org_id))
),
banded as (
    select
        amount_yuan,
        case
            when amount_yuan is null or amount_yuan <= 0 then 0
            when amount_yuan < 10000 then 1
            when amount_yuan < 50000 then 2
            when amount_yuan < 100000 then 3
            when amount_yuan < 500000 then 4
            else 5
        end as amount_band
    from selection
),
final as (
    select amount_band, count(*) as dispute_count, coalesce(sum(amount_yuan), 0) as amount_total
    from banded
    group by amount_band
)
select * from final order by amount_band
