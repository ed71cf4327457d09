-- typhoons whose warning is in force at $now (the shelters rule checks each one's occupancy)
with final as (
    select typhoon_id, name_cn, warning_start_at
    from typhoons_active_at($now)
)

select * from final
order by typhoon_id
