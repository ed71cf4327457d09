-- Values as imported (<column>_raw) that the vocabulary did not know, per dataset and column,
-- with their row counts (数据管理: 未对照的取值): stored as 其他 where the column's vocabulary
-- has 其他, else stored empty. One branch per enum column (schema.RAW_ENUM_COLUMNS; a test
-- checks every one is here), each reading two columns of the rows it concerns.
-- $mapped: "dataset.column.VALUE" of the values vocab.toml maps on purpose (to 其他 too),
-- which are not listed.
with found as (
    select 'social_orgs' as dataset, 'legal_form' as column_name, legal_form_raw as raw_value,
           count(*) as row_count
    from social_orgs
    where legal_form is null and legal_form_raw is not null
    group by legal_form_raw
    union all
    select 'social_orgs', 'category', category_raw, count(*)
    from social_orgs
    where category = '其他' and category_raw is not null
    group by category_raw
    union all
    select 'social_orgs', 'rating', rating_raw, count(*)
    from social_orgs
    where rating is null and rating_raw is not null
    group by rating_raw
    union all
    select 'social_orgs', 'credit_status', credit_status_raw, count(*)
    from social_orgs
    where credit_status is null and credit_status_raw is not null
    group by credit_status_raw
    union all
    select 'social_orgs', 'status', status_raw, count(*)
    from social_orgs
    where status is null and status_raw is not null
    group by status_raw
    union all
    select 'typhoons', 'response_level', response_level_raw, count(*)
    from typhoons
    where response_level is null and response_level_raw is not null
    group by response_level_raw
    union all
    select 'shelters', 'level', level_raw, count(*)
    from shelters
    where level is null and level_raw is not null
    group by level_raw
    union all
    select 'incidents', 'category', category_raw, count(*)
    from incidents
    where category = '其他' and category_raw is not null
    group by category_raw
    union all
    select 'incidents', 'source', source_raw, count(*)
    from incidents
    where source = '其他' and source_raw is not null
    group by source_raw
    union all
    select 'incidents', 'severity', severity_raw, count(*)
    from incidents
    where severity is null and severity_raw is not null
    group by severity_raw
    union all
    select 'incidents', 'status', status_raw, count(*)
    from incidents
    where status is null and status_raw is not null
    group by status_raw
    union all
    select 'incidents', 'satisfaction', satisfaction_raw, count(*)
    from incidents
    where satisfaction is null and satisfaction_raw is not null
    group by satisfaction_raw
    union all
    select 'disputes', 'dispute_type', dispute_type_raw, count(*)
    from disputes
    where dispute_type = '其他' and dispute_type_raw is not null
    group by dispute_type_raw
    union all
    select 'disputes', 'source', source_raw, count(*)
    from disputes
    where source = '其他' and source_raw is not null
    group by source_raw
    union all
    select 'disputes', 'mediation_channel', mediation_channel_raw, count(*)
    from disputes
    where mediation_channel is null and mediation_channel_raw is not null
    group by mediation_channel_raw
    union all
    select 'disputes', 'status', status_raw, count(*)
    from disputes
    where status is null and status_raw is not null
    group by status_raw
    union all
    select 'disputes', 'risk_level', risk_level_raw, count(*)
    from disputes
    where risk_level is null and risk_level_raw is not null
    group by risk_level_raw
    union all
    select 'evacuations', 'category', category_raw, count(*)
    from evacuations
    where category = '其他' and category_raw is not null
    group by category_raw
    union all
    select 'evacuations', 'placement', placement_raw, count(*)
    from evacuations
    where placement is null and placement_raw is not null
    group by placement_raw
    union all
    select 'evacuations', 'status', status_raw, count(*)
    from evacuations
    where status is null and status_raw is not null
    group by status_raw
    union all
    select 'patrol_teams', 'kind', kind_raw, count(*)
    from patrol_teams
    where kind is null and kind_raw is not null
    group by kind_raw
    union all
    select 'patrols', 'patrol_type', patrol_type_raw, count(*)
    from patrols
    where patrol_type = '其他' and patrol_type_raw is not null
    group by patrol_type_raw
    union all
    select 'patrols', 'status', status_raw, count(*)
    from patrols
    where status is null and status_raw is not null
    group by status_raw
    union all
    select 'typhoon_tracks', 'grade', grade_raw, count(*)
    from typhoon_tracks
    where grade = '其他' and grade_raw is not null
    group by grade_raw
),

final as (
    select dataset, column_name, raw_value, row_count
    from found
    where upper(raw_value) not in ('其他', '其它')
        and not list_contains($mapped, dataset || '.' || column_name || '.' || upper(raw_value))
)
select * from final
order by dataset, column_name, row_count desc, raw_value
