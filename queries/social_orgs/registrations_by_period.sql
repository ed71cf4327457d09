-- registrations of the filtered organizations inside [$start, $end), by $grain (day/month/year)
with
-- @include social_orgs/_selection

final as (
    select
        cast(date_trunc($grain, registered_on) as date) as period_start,
        coalesce(legal_form, '未填报') as legal_form,
        count(*) as org_count
    from orgs
    where registered_on >= cast($start as date) and registered_on < cast($end as date)
    group by all
)

select * from final
order by period_start, legal_form
