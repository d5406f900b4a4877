-- The analysts' database: one row per (snapshot_date, model) in every per-date table.
-- Every per-date table is rewritten per snapshot date (delete the date, then insert), so running a date
-- twice gives the same rows. Texts (cards, license_texts) are keyed by content hash and stored once.

CREATE TABLE IF NOT EXISTS crawl_runs (
    snapshot_date     DATE PRIMARY KEY,
    run_id            VARCHAR,
    source            VARCHAR NOT NULL,      -- Hub endpoint crawled (no credentials)
    scope             VARCHAR NOT NULL,      -- JSON: repo_ids, authors, search, pipeline_tag, sort, limit
    started_at        TIMESTAMP NOT NULL,
    finished_at       TIMESTAMP NOT NULL,
    models_listed     BIGINT NOT NULL,
    details_fetched   BIGINT NOT NULL,       -- repos whose sha changed: README, refs, LICENSE fetched
    details_carried   BIGINT NOT NULL,       -- repos unchanged since the previous snapshot: details carried forward
    details_failed    BIGINT NOT NULL,       -- repos whose details could not be fetched after retries
    datasets_fetched  BIGINT NOT NULL,       -- named Hub datasets whose own metadata was (re)fetched
    datasets_carried  BIGINT NOT NULL,       -- named Hub datasets known from an earlier snapshot
    requests          BIGINT NOT NULL,       -- HTTP requests sent, retries included
    retries           BIGINT NOT NULL,       -- requests repeated after a 429, a 5xx or a dropped connection
    errors            BIGINT NOT NULL,       -- rows in crawl_errors for this date
    status            VARCHAR NOT NULL,      -- ok | partial (some repos failed for server or network trouble)
    pipeline_version  VARCHAR NOT NULL
);

CREATE TABLE IF NOT EXISTS crawl_errors (
    snapshot_date  DATE NOT NULL,
    repo_id        VARCHAR NOT NULL,
    hub_id         VARCHAR,
    stage          VARCHAR NOT NULL,         -- listing | model_info | base_model | readme | refs | license | dataset_info
    error_kind     VARCHAR NOT NULL,         -- exception class, e.g. HfHubHTTPError
    message        VARCHAR NOT NULL,
    attempts       INTEGER NOT NULL,         -- our attempts; hf_hub_download's own retries come on top
    transient      BOOLEAN NOT NULL          -- true: 429/5xx/network after every retry; false: missing or gated
);

CREATE TABLE IF NOT EXISTS models_raw (
    snapshot_date      DATE NOT NULL,
    hub_id             VARCHAR NOT NULL,     -- the Hub's stable _id: survives renames
    repo_id            VARCHAR NOT NULL,
    requested_id       VARCHAR NOT NULL,     -- the id the scope asked for (differs after a rename)
    scope_reason       VARCHAR NOT NULL,     -- scope (the crawl scope matched it) | base_model (a base, for lineage)
    author             VARCHAR,
    sha                VARCHAR,
    created_at         TIMESTAMP,
    last_modified      TIMESTAMP,
    gated              VARCHAR NOT NULL,     -- no | auto | manual
    private            BOOLEAN NOT NULL,
    disabled           BOOLEAN NOT NULL,
    downloads          BIGINT,
    likes              BIGINT,
    pipeline_tag       VARCHAR,
    library_name       VARCHAR,
    tags               VARCHAR[],
    card_data          VARCHAR,              -- JSON of the Hub's parsed front matter
    siblings           VARCHAR[],            -- file names at sha
    branches           VARCHAR[],            -- branch names other than main
    git_tags           VARCHAR[],
    readme_hash        VARCHAR,              -- sha256 of README.md bytes; key into cards
    license_file       VARCHAR,              -- path of the LICENSE-like file read, if any
    license_text_hash  VARCHAR,              -- key into license_texts
    details_status     VARCHAR NOT NULL,     -- fetched | carried | failed
    details_date       DATE,                 -- snapshot date the details were fetched on
    listed_at          TIMESTAMP NOT NULL,
    PRIMARY KEY (snapshot_date, hub_id)
);

CREATE TABLE IF NOT EXISTS datasets_raw (
    snapshot_date     DATE NOT NULL,
    dataset_id        VARCHAR NOT NULL,      -- a Hub dataset id named by a model card (front matter or dataset: tag)
    hub_id            VARCHAR,               -- the dataset's stable _id, when it exists
    status            VARCHAR NOT NULL,      -- fetched | carried | not_found | failed
    license_declared  VARCHAR,               -- JSON of the dataset card's license (or its license: tags)
    license_id        VARCHAR,               -- normalised Hub license id
    open              BOOLEAN,               -- open data license (no NC/ND, no use restrictions); NULL when unknown
    gated             VARCHAR,               -- no | auto | manual
    details_date      DATE,                  -- snapshot date the metadata was fetched on
    models            BIGINT NOT NULL,       -- models in scope naming it on this date
    PRIMARY KEY (snapshot_date, dataset_id)
);

CREATE TABLE IF NOT EXISTS cards (
    content_hash  VARCHAR PRIMARY KEY,       -- sha256 of the README bytes
    first_seen    DATE NOT NULL,
    byte_length   BIGINT NOT NULL,
    text          VARCHAR NOT NULL           -- decoded as UTF-8, undecodable bytes replaced
);

CREATE TABLE IF NOT EXISTS license_texts (
    content_hash  VARCHAR PRIMARY KEY,
    first_seen    DATE NOT NULL,
    byte_length   BIGINT NOT NULL,
    text          VARCHAR NOT NULL
);

CREATE TABLE IF NOT EXISTS model_facts (
    snapshot_date            DATE NOT NULL,
    hub_id                   VARCHAR NOT NULL,
    repo_id                  VARCHAR NOT NULL,
    license_declared         VARCHAR,        -- JSON of the license value(s) as written
    license_id               VARCHAR,        -- normalised Hub license id; NULL when none is declared
    license_name             VARCHAR,        -- license_name for `other`
    license_link             VARCHAR,
    license_spdx             VARCHAR,
    license_family           VARCHAR NOT NULL,
    license_osi_approved     BOOLEAN,
    license_commercial_use   BOOLEAN,
    license_use_restrictions BOOLEAN,
    license_source           VARCHAR NOT NULL,  -- card_metadata | tags | license_file | readme | none
    license_conflict         BOOLEAN NOT NULL,
    license_components       STRUCT(component VARCHAR, license_id VARCHAR, source VARCHAR)[],  -- what each source licenses: code | weights | data | unspecified
    code_links               STRUCT(url VARCHAR, host VARCHAR, repo VARCHAR, role VARCHAR)[],
    training_code            BOOLEAN NOT NULL,
    datasets                 STRUCT(name VARCHAR, hub_id VARCHAR, source VARCHAR, license VARCHAR, open BOOLEAN)[],
    data_disclosure          VARCHAR NOT NULL,  -- none | named | described
    checkpoint_branches      INTEGER NOT NULL,
    checkpoint_pattern       VARCHAR,
    checkpoint_files         INTEGER NOT NULL,
    checkpoint_mentioned     BOOLEAN NOT NULL,
    checkpoints              VARCHAR NOT NULL,  -- published | mentioned | none
    papers                   VARCHAR[],
    base_models              VARCHAR[],
    base_model_relation      VARCHAR,
    gated                    VARCHAR NOT NULL,
    has_card                 BOOLEAN NOT NULL,
    card_bytes               BIGINT NOT NULL,
    card_sections            VARCHAR[],
    card_family              VARCHAR NOT NULL,  -- the generator that wrote the card (pipeline/extract/families.py), or other
    parse_problems           VARCHAR[],
    extractor_version        VARCHAR NOT NULL,
    PRIMARY KEY (snapshot_date, hub_id)
);

CREATE TABLE IF NOT EXISTS evidence (
    snapshot_date  DATE NOT NULL,
    hub_id         VARCHAR NOT NULL,
    repo_id        VARCHAR NOT NULL,
    dimension      VARCHAR NOT NULL,          -- license | training_code | code | datasets | data_composition | checkpoints | paper | base_model | access | model_card | card_family
    source_kind    VARCHAR NOT NULL,          -- card_metadata | readme | tags | branch | file | license_file | listing
    location       VARCHAR NOT NULL,          -- metadata key, README line, branch or file name
    snippet        VARCHAR NOT NULL,          -- at most 300 characters
    url            VARCHAR
);

CREATE TABLE IF NOT EXISTS openness (
    snapshot_date     DATE NOT NULL,
    hub_id            VARCHAR NOT NULL,
    repo_id           VARCHAR NOT NULL,
    weights           VARCHAR NOT NULL,       -- open | partial | closed | unknown (every grade column)
    license           VARCHAR NOT NULL,
    training_code     VARCHAR NOT NULL,
    training_data     VARCHAR NOT NULL,
    data_composition  VARCHAR NOT NULL,
    checkpoints       VARCHAR NOT NULL,
    paper             VARCHAR NOT NULL,
    model_card        VARCHAR NOT NULL,
    access            VARCHAR NOT NULL,
    openness_class    VARCHAR NOT NULL,       -- osaid_candidate | open_weights_permissive | open_weights_restricted | gated_or_closed
    osaid_candidate   BOOLEAN NOT NULL,
    mof_class         VARCHAR NOT NULL,       -- I | II | III | none
    eosai_score       DOUBLE NOT NULL,        -- mean over dimensions, open = 1, partial = 0.5
    rubric_version    VARCHAR NOT NULL,
    -- Lineage (docs/rubric.md): the base chain within the snapshot, and what the root base discloses.
    lineage_status           VARCHAR NOT NULL,  -- own | resolved | missing_base | cycle | too_deep
    base_chain               VARCHAR[],         -- bases followed, nearest first
    root_base                VARCHAR,           -- set when the chain is resolved
    lineage_depth            INTEGER NOT NULL,
    card_training_data       VARCHAR NOT NULL,  -- training_data for what this card alone discloses
    base_training_data       VARCHAR,           -- the root base's grades (NULL unless resolved)
    base_data_composition    VARCHAR,
    base_training_code       VARCHAR,
    base_checkpoints         VARCHAR,
    base_paper               VARCHAR,
    base_license             VARCHAR,
    effective_training_data  VARCHAR NOT NULL,  -- the less open of the card's and the base's data; unknown if unresolved
    PRIMARY KEY (snapshot_date, hub_id)
);

-- History (kept in step with the dated tables above and backfill_states at every publish; pipeline/history.py).
-- The state of a model is the columns from `repo_id` to `extractor_version` below: a new row starts whenever
-- one of them changes. Facts keep model_facts' meaning; grades keep openness' names. The state includes the
-- rubric and extractor versions that read it, so a new version starts new rows; it never makes an event (see
-- openness_changes), and `openness reprocess` re-derives every date under one version.

CREATE TABLE IF NOT EXISTS backfill_states (
    hub_id                   VARCHAR NOT NULL,
    repo_id                  VARCHAR NOT NULL,
    commit_sha               VARCHAR NOT NULL,
    commit_date              TIMESTAMP NOT NULL,
    readme_hash              VARCHAR,        -- key into cards
    license_text_hash        VARCHAR,        -- key into license_texts
    license_id               VARCHAR,
    license_family           VARCHAR NOT NULL,
    license_osi_approved     BOOLEAN,
    gated                    VARCHAR NOT NULL,  -- git history does not record gating: the gate at backfill time
    has_training_code        BOOLEAN NOT NULL,
    data_disclosure          VARCHAR NOT NULL,
    checkpoint_disclosure    VARCHAR NOT NULL,
    datasets_named           INTEGER NOT NULL,
    papers_linked            INTEGER NOT NULL,
    base_models              VARCHAR[],
    weights                  VARCHAR NOT NULL,
    license                  VARCHAR NOT NULL,
    training_code            VARCHAR NOT NULL,
    training_data            VARCHAR NOT NULL,
    data_composition         VARCHAR NOT NULL,
    checkpoints              VARCHAR NOT NULL,
    paper                    VARCHAR NOT NULL,
    model_card               VARCHAR NOT NULL,
    access                   VARCHAR NOT NULL,
    openness_class           VARCHAR NOT NULL,
    osaid_candidate          BOOLEAN NOT NULL,
    mof_class                VARCHAR NOT NULL,
    eosai_score              DOUBLE NOT NULL,
    rubric_version           VARCHAR NOT NULL,
    extractor_version        VARCHAR NOT NULL,
    backfilled_at            TIMESTAMP NOT NULL,
    PRIMARY KEY (hub_id, commit_sha)
);

CREATE TABLE IF NOT EXISTS model_history (
    hub_id                   VARCHAR NOT NULL,
    valid_from               DATE NOT NULL,     -- first date of this state
    valid_to                 DATE,              -- first date of the next state (exclusive); NULL while current
    source                   VARCHAR NOT NULL,  -- crawl | backfill (dated from git history, before the first crawl)
    snapshots                INTEGER NOT NULL,  -- crawl dates that saw this state (0 for backfilled states)
    last_seen                DATE,              -- last crawl date that saw it
    repo_id                  VARCHAR NOT NULL,
    license_id               VARCHAR,
    license_family           VARCHAR NOT NULL,
    license_osi_approved     BOOLEAN,
    gated                    VARCHAR NOT NULL,
    has_training_code        BOOLEAN NOT NULL,
    data_disclosure          VARCHAR NOT NULL,
    checkpoint_disclosure    VARCHAR NOT NULL,
    datasets_named           INTEGER NOT NULL,
    papers_linked            INTEGER NOT NULL,
    base_models              VARCHAR[],
    weights                  VARCHAR NOT NULL,
    license                  VARCHAR NOT NULL,
    training_code            VARCHAR NOT NULL,
    training_data            VARCHAR NOT NULL,
    data_composition         VARCHAR NOT NULL,
    checkpoints              VARCHAR NOT NULL,
    paper                    VARCHAR NOT NULL,
    model_card               VARCHAR NOT NULL,
    access                   VARCHAR NOT NULL,
    openness_class           VARCHAR NOT NULL,
    osaid_candidate          BOOLEAN NOT NULL,
    mof_class                VARCHAR NOT NULL,
    eosai_score              DOUBLE NOT NULL,
    rubric_version           VARCHAR NOT NULL,  -- the rubric that graded this state (openness.rubric_version)
    extractor_version        VARCHAR NOT NULL,  -- the extractor that read it (model_facts.extractor_version)
    PRIMARY KEY (hub_id, valid_from)
);
-- A database from before model_history kept the extractor version: the column is added and the old rows are
-- dropped, so the next publish rebuilds the history (it is derived from the dated tables) with the versions.
ALTER TABLE model_history ADD COLUMN IF NOT EXISTS extractor_version VARCHAR;
DELETE FROM model_history WHERE extractor_version IS NULL;

-- Events that compare what was read from a model (license_changed, training_code_*, checkpoints_published,
-- datasets_disclosed, class_changed) are derived only between states read by the same extractor and rubric
-- versions: a new version changes our reading, not the model. appeared, disappeared, renamed and gating come
-- from the Hub's listing and are events whatever the versions (sql/history_changes.sql).
CREATE TABLE IF NOT EXISTS openness_changes (
    change_date   DATE NOT NULL,     -- the first date the new state was seen
    hub_id        VARCHAR NOT NULL,
    repo_id       VARCHAR NOT NULL,  -- the id on change_date (the old id for `disappeared`)
    change        VARCHAR NOT NULL,  -- appeared | disappeared | renamed | license_changed | became_gated | became_ungated
                                     -- | training_code_added | training_code_removed | checkpoints_published
                                     -- | datasets_disclosed | class_changed
    before        VARCHAR,
    after         VARCHAR,
    source        VARCHAR NOT NULL   -- crawl | backfill | boundary (from a state read only from git history to the
                                     -- first crawled one: may differ only in what git does not keep)
);
