-- The rules each rule runs after (registry `after` column) that deny under the policy being
-- evaluated (its severity override, else the registry's): INO-IA2-NONE yields to them and
-- INO-IB-PRIOR reads their hits on the initiation. A view: params changes per policy version.
create or replace view denying_dependencies as
select
    dependencies.rule_id,
    dependencies.after_rule_id
from rule_dependencies as dependencies
inner join rules_registry as registry on registry.rule_id = dependencies.after_rule_id
left join policy_rule_settings as settings
    on
        settings.rule_id = dependencies.after_rule_id
        and settings.policy_version = (select params.policy_version from params)
where coalesce(settings.severity, registry.severity) = 'deny'
