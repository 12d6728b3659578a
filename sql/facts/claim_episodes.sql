-- View the rules read (recreated after a partitioned merge).
-- Every (claim, episode) pair through any linked course: the scope of the duration rules.
create or replace view claim_episodes as
select distinct claim_links.claim_id, courses.episode_id, episodes.* exclude (episode_id)
from claim_links
inner join courses using (encounter_id)
inner join episodes on episodes.episode_id = courses.episode_id;
