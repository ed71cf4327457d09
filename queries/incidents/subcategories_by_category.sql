-- the categories and subcategories present in the warehouse (for the cascading filter)
with final as (
    select category, subcategory, count(*) as incident_count
    from incidents
    where subcategory is not null
    group by category, subcategory
)
select * from final order by category, incident_count desc
