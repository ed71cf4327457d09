-- the first day each dataset has records for: a comparison window starting before it has no
-- data (上年同期无数据), rather than zero
with final as (
    select
        (select cast(min(reported_at) as date) from incidents) as incidents_first_on,
        (select cast(min(received_at) as date) from disputes) as disputes_first_on,
        (select cast(min(planned_start_at) as date) from patrols) as patrols_first_on
)

select * from final
