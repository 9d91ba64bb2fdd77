-- Competency dictionary per tenant. The national manajerial and sosial kultural competencies
-- (PermenPAN-RB 38/2017) are copied into every tenant with national_code set and are read-only
-- there; teknis competencies are the tenant's own. Keeping both in one tenant table lets every
-- later table (standards, assessments, needs) use one tenant-local foreign key.

CREATE TABLE competency (
    tenant_id BIGINT NOT NULL REFERENCES tenant (id),
    id BIGINT NOT NULL,
    code TEXT NOT NULL,
    family TEXT NOT NULL,
    name TEXT NOT NULL,
    description TEXT NOT NULL,
    national_code TEXT,
    -- Current version of the level indicators; older versions stay for past assessments.
    version INTEGER NOT NULL,
    active BOOLEAN NOT NULL,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, code)
);

CREATE TABLE competency_level (
    tenant_id BIGINT NOT NULL,
    competency_id BIGINT NOT NULL,
    version INTEGER NOT NULL,
    level SMALLINT NOT NULL,
    indicator TEXT NOT NULL,
    PRIMARY KEY (tenant_id, competency_id, version, level),
    FOREIGN KEY (tenant_id, competency_id) REFERENCES competency (tenant_id, id)
);
