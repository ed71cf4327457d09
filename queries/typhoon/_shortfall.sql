final as (
    select
        *,
        persons_planned - persons_moved as shortfall,
        case when persons_planned > 0 then persons_moved * 1.0 / persons_planned end as transfer_rate
    from grouped
)

select * from final
order by shortfall desc, transfer_rate nulls first
