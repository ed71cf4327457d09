-- 在办警情: every incident still open (待受理 / 处置中) at $end, whenever it was reported, in
-- the chosen communities (the 大屏 and 一张图 ask at now)
with final as (
    select count(*) filter (where is_open) as open_count
    from incidents_at($end)
    where len($communities) = 0 or list_contains($communities, community_code)
)
select * from final
