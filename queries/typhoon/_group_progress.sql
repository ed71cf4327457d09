        -- per group: persons planned, moved, 应转未转 (pending = waiting + refused)
        cast(sum(r.person_count) as bigint) as persons_planned,
        cast(coalesce(sum(r.person_count) filter (where r.is_moved), 0) as bigint) as persons_moved,
        cast(coalesce(sum(r.person_count) filter (where r.is_pending), 0) as bigint) as persons_pending,
        cast(coalesce(sum(r.person_count) filter (where r.is_waiting), 0) as bigint) as persons_waiting,
        cast(coalesce(sum(r.person_count) filter (where r.is_refused), 0) as bigint) as persons_refused,
        count(*) filter (where r.is_waiting) as households_pending
