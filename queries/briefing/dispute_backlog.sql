-- disputes open at the period's end (received before it, not closed before it) and those of
-- them past their deadline (化解时限 before the period's last day), for the whole selection
with open_at_end as (
    select deadline_on
    from disputes
    where received_at < $end
      and case when closed_at is not null then closed_at >= $end
               else status in ('已受理', '调处中') end
      and (len($communities) = 0 or list_contains($communities, community_code))
),

final as (
    select
        count(*) as open_count,
        count(*) filter (where deadline_on < cast($end - interval 1 day as date))
            as overdue_count
    from open_at_end
)

select * from final
