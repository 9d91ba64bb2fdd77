-- Assessment periods ("Penilaian 2027 Semester I"): the window in which each atasan rates the
-- competencies of their staff; progress and reminders are computed from the assessments made
-- within it (`store::akpk::periods`).
CREATE TABLE assessment_period (
    tenant_id BIGINT NOT NULL,
    id BIGINT NOT NULL,
    name TEXT NOT NULL,
    starts_on DATE NOT NULL,
    ends_on DATE NOT NULL,
    reminded_at TIMESTAMPTZ,
    created_by BIGINT,
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id) REFERENCES tenant (id)
);
CREATE INDEX assessment_period_dates ON assessment_period (tenant_id, starts_on);
