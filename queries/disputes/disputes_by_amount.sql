-- disputes received in the period by amount involved (涉及金额) band
with
-- @include disputes/_selection
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
