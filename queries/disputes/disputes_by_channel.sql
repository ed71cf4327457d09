-- disputes received in the period by mediation_channel: cases, success rate, median days to close
with
-- @include disputes/_selection
final as (
    select
        mediation_channel,
        -- @include disputes/_group_measures
    from selection
    group by mediation_channel
)
select * from final order by dispute_count desc, mediation_channel
