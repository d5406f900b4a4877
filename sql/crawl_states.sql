-- The state of a model on a crawl date: the columns a history row keeps.
CREATE OR REPLACE VIEW crawl_states AS
SELECT r.snapshot_date, r.hub_id, r.repo_id,
       f.license_id, f.license_family, f.license_osi_approved, r.gated,
       f.training_code AS has_training_code, f.data_disclosure, f.checkpoints AS checkpoint_disclosure,
       len(f.datasets)::INTEGER AS datasets_named, len(f.papers)::INTEGER AS papers_linked, f.base_models,
       o.weights, o.license, o.training_code, o.training_data, o.data_composition, o.checkpoints, o.paper,
       o.model_card, o.access, o.openness_class, o.osaid_candidate, o.mof_class, o.eosai_score, o.rubric_version,
       f.extractor_version
FROM models_raw r
JOIN model_facts f USING (snapshot_date, hub_id)
JOIN openness o USING (snapshot_date, hub_id);
