-- Revisions per tenant and area (org, access, competency, akpk): bumped by every audited write in
-- its own transaction, read by caches to know when they are stale (store::revision).
-- tenant_id 0 holds national changes (the shared competency dictionary), which every tenant sees.
CREATE TABLE data_revision (
    tenant_id BIGINT NOT NULL,
    area TEXT NOT NULL,
    value BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, area)
);
