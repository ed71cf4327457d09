-- every typhoon with its warning window and how many people were planned for it
with planned as (
    select typhoon_id, cast(sum(person_count) as bigint) as persons_planned, count(*) as record_count
    from evacuations_staged()
    group by typhoon_id
),

final as (
    select
        t.typhoon_id,
        t.name_cn,
        t.name_en,
        t.warning_start_at,
        t.warning_end_at,
        t.response_level,
        t.landfall_at,
        coalesce(p.persons_planned, 0) as persons_planned,
        coalesce(p.record_count, 0) as record_count
    from typhoons as t
    left join planned as p using (typhoon_id)
)

select * from final
order by warning_start_at desc, typhoon_id desc
