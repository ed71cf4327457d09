-- incidents/subcategories_by_category from the roll-up incident_subcategories_monthly (every
-- month of the warehouse, written with it: command_center/rollups.py), not from the records
with final as (
    select category, subcategory, sum(incident_count)::bigint as incident_count
    from incident_subcategories_monthly
    group by category, subcategory
)
select * from final order by category, incident_count desc
