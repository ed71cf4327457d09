-- disputes received in the period by dispute_type: cases, success rate, median days to close
with
-- @include disputes/_selection
final as (
    select
        dispute_type,
        -- @include disputes/_group_measures
    from selection
    group by dispute_type
)
select * from final order by dispute_count desc, dispute_type
