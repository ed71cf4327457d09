-- Values as imported (<column>_raw) that the vocabulary did not know and that were therefore
-- stored as 其他, per dataset and column, with their row counts (数据管理: 未对照的取值).
-- $mapped: "dataset.column.VALUE" of the values vocab.toml maps on purpose (to 其他 too),
-- which are not listed.
with found as (
    select 'incidents' as dataset, 'category' as column_name, category_raw as raw_value,
           count(*) as row_count
    from incidents
    where category = '其他' and category_raw is not null
    group by category_raw
    union all
    select 'incidents', 'source', source_raw, count(*)
    from incidents
    where source = '其他' and source_raw is not null
    group by source_raw
    union all
    select 'disputes', 'dispute_type', dispute_type_raw, count(*)
    from disputes
    where dispute_type = '其他' and dispute_type_raw is not null
    group by dispute_type_raw
),

final as (
    select dataset, column_name, raw_value, row_count
    from found
    where upper(raw_value) not in ('其他', '其它')
        and not list_contains($mapped, dataset || '.' || column_name || '.' || upper(raw_value))
)
select * from final
order by dataset, column_name, row_count desc, raw_value
