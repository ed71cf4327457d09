-- The first day the four-color warning has data for: the later of the first incident's and the
-- first dispute's day (a dataset with no records at all is left out). A window starting before
-- it has no data: 四色预警 compares levels only against a window that has.
with firsts as (
    select
        (select cast(min(reported_at) as date) from incidents) as incidents_first_on,
        (select cast(min(received_at) as date) from disputes) as disputes_first_on
),

final as (
    select greatest(incidents_first_on, disputes_first_on) as first_on from firsts
)

select * from final
