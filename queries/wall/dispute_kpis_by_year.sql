-- disputes: success rate of the cases closed this year (withdrawn ones left out), cases in
-- progress and the overdue ones among them
with closed as (
    select status
    from disputes
    where closed_at >= $year_start::timestamp
      and closed_at < $now::timestamp
      and status in ('调解成功', '调解不成功', '已转诉讼')
),

rate as (
    select
        count(*) as closed_count,
        count(*) filter (where status = '调解成功') as success_count
    from closed
),

open_cases as (
    select
        count(*) as open_count,
        count(*) filter (where deadline_on < $today::date) as overdue_count
    from disputes
    where status in ('已受理', '调处中') and received_at < $now::timestamp
),

final as (
    select
        rate.closed_count,
        rate.success_count,
        rate.success_count / nullif(rate.closed_count, 0) as success_rate,
        open_cases.open_count,
        open_cases.overdue_count
    from rate, open_cases
)

select * from final
