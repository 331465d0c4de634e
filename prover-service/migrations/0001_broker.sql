-- The broker's durable state. Portable SQL: the same file runs on SQLite and PostgreSQL.
-- Times are milliseconds since the Unix epoch; JSON is stored as TEXT.

-- Content-addressed files on disk (the bytes live in the artifact directory, never here).
CREATE TABLE artifacts (
    hash       TEXT PRIMARY KEY,
    size       BIGINT NOT NULL,
    created_ms BIGINT NOT NULL
);

-- Proof jobs. id = sha256(system, kind, inputs, deps): the same work submitted twice is one job.
-- state: waiting (dependencies left) | queued | leased | done | failed | cancelled
CREATE TABLE jobs (
    id               TEXT PRIMARY KEY,
    system           TEXT NOT NULL,
    kind             TEXT NOT NULL,
    depth            BIGINT NOT NULL,
    inputs           TEXT NOT NULL,
    params           TEXT NOT NULL,
    state            TEXT NOT NULL,
    deps_left        BIGINT NOT NULL,
    attempts         BIGINT NOT NULL,
    max_attempts     BIGINT NOT NULL,
    lease_id         TEXT,
    agent            TEXT,
    lease_expires_ms BIGINT,
    output           TEXT,
    error            TEXT,
    report           TEXT,
    created_ms       BIGINT NOT NULL,
    started_ms       BIGINT,
    finished_ms      BIGINT
);
-- The lease order (closest to the root, then oldest) without a sort; kind is filtered in it.
CREATE INDEX jobs_queue ON jobs (state, depth, created_ms, id, kind);
CREATE INDEX jobs_leases ON jobs (state, lease_expires_ms);
CREATE INDEX jobs_agent ON jobs (agent, state);

-- Edges of the job graph: `job` waits for `dep`.
CREATE TABLE job_deps (
    job TEXT NOT NULL,
    dep TEXT NOT NULL,
    PRIMARY KEY (job, dep)
);
CREATE INDEX job_deps_dep ON job_deps (dep);

-- Blocks. state: preparing | proving | assembling | done | failed | cancelled
CREATE TABLE blocks (
    id          TEXT PRIMARY KEY,
    preset      TEXT NOT NULL,
    txs         BIGINT NOT NULL,
    state       TEXT NOT NULL,
    request     TEXT NOT NULL,
    meta        TEXT,
    bundle      TEXT,
    error       TEXT,
    created_ms  BIGINT NOT NULL,
    deadline_ms BIGINT,
    finished_ms BIGINT
);

-- Node `node` of block `block` is proven by job `job`.
CREATE TABLE block_jobs (
    block TEXT NOT NULL,
    node  BIGINT NOT NULL,
    job   TEXT NOT NULL,
    PRIMARY KEY (block, node)
);
CREATE INDEX block_jobs_job ON block_jobs (job);

-- Agents seen by the broker (stateless processes; this is only what they said last). Their
-- jobs are the jobs rows naming them.
CREATE TABLE agents (
    id           TEXT PRIMARY KEY,
    name         TEXT NOT NULL,
    kinds        TEXT NOT NULL,
    last_seen_ms BIGINT NOT NULL
);
