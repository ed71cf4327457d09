-- open disputes today per community, and how many of them are past their deadline
with
-- @include disputes/_open_selection
counts as (
    select
        community_code,
        count(*) as open_count,
        count(*) filter (where is_overdue) as overdue_count
    from open_now
    group by community_code
),
final as (
    select
        c.community_code,
        c.community_name,
        coalesce(n.open_count, 0) as open_count,
        coalesce(n.overdue_count, 0) as overdue_count
    from communities c
    left join counts n using (community_code)
    where len($communities) = 0 or list_contains($communities, c.community_code)
)
select * from final order by open_count desc, community_code
