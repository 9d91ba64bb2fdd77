-- What changed in the inputs of a tenant's AKPK analysis, in commit order (`store::akpk::changes`):
-- the cached analysis applies these instead of reloading the tenant. `seq` is the tenant's
-- `data_revision` row of area 'analysis' after its bump in the same transaction, so rows of one
-- tenant are numbered without gaps in the order their transactions committed. `kind`: 'employee'
-- or 'position' (subject_id), 'all' (reload), 'none' (no effect on the analysis).
CREATE TABLE analysis_change (
    tenant_id BIGINT NOT NULL,
    seq BIGINT NOT NULL,
    kind TEXT NOT NULL,
    subject_id BIGINT,
    PRIMARY KEY (tenant_id, seq)
);
