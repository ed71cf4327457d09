-- the filtered register by legal form and category: organizations, 3A+, staff, volunteers
with
-- @include social_orgs/_selection

final as (
    select
        coalesce(legal_form, '未填报') as legal_form,
        coalesce(category, '未填报') as category,
        count(*) as org_count,
        count(*) filter (where rating in ('5A', '4A', '3A')) as rated_3a_count,
        cast(coalesce(sum(staff_count), 0) as bigint) as staff_total,
        cast(coalesce(sum(volunteer_count), 0) as bigint) as volunteer_total
    from orgs
    group by all
)

select * from final
order by legal_form, org_count desc
