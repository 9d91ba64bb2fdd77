-- AKPK inputs: assessments of competencies, SKP performance ratings, the instansi's priority
-- competencies, and needs added by hand. Needs that follow from gaps are computed from these
-- (never stored, so they cannot go stale when a standard or an assessment changes).

CREATE TABLE assessment (
    tenant_id BIGINT NOT NULL,
    id BIGINT NOT NULL,
    employee_id BIGINT NOT NULL,
    competency_id BIGINT NOT NULL,
    -- The indicator version the level was judged against (competency_level.version).
    competency_version INTEGER NOT NULL,
    level SMALLINT NOT NULL,
    method TEXT NOT NULL,
    rater_user_id BIGINT,
    -- Who judged, as written (an assessment centre's assessor has no login).
    rater_name TEXT NOT NULL,
    assessed_on DATE NOT NULL,
    evidence TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, employee_id) REFERENCES employee (tenant_id, id),
    FOREIGN KEY (tenant_id, competency_id) REFERENCES competency (tenant_id, id)
);
CREATE INDEX assessment_employee ON assessment (tenant_id, employee_id, competency_id);

CREATE TABLE performance_rating (
    tenant_id BIGINT NOT NULL,
    employee_id BIGINT NOT NULL,
    year INTEGER NOT NULL,
    rating TEXT NOT NULL,
    score DOUBLE PRECISION,
    PRIMARY KEY (tenant_id, employee_id, year),
    FOREIGN KEY (tenant_id, employee_id) REFERENCES employee (tenant_id, id)
);

CREATE TABLE priority_competency (
    tenant_id BIGINT NOT NULL,
    competency_id BIGINT NOT NULL,
    source TEXT NOT NULL,
    reason TEXT NOT NULL,
    PRIMARY KEY (tenant_id, competency_id),
    FOREIGN KEY (tenant_id, competency_id) REFERENCES competency (tenant_id, id)
);

-- Needs added by the planner (community input, policy, a unit's request). employee_id and
-- unit_id may both be empty for an instansi-wide need.
CREATE TABLE need (
    tenant_id BIGINT NOT NULL,
    id BIGINT NOT NULL,
    employee_id BIGINT,
    unit_id BIGINT,
    competency_id BIGINT NOT NULL,
    source TEXT NOT NULL,
    gap SMALLINT NOT NULL,
    note TEXT NOT NULL,
    status TEXT NOT NULL,
    created_by BIGINT,
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, employee_id) REFERENCES employee (tenant_id, id),
    FOREIGN KEY (tenant_id, unit_id) REFERENCES unit (tenant_id, id),
    FOREIGN KEY (tenant_id, competency_id) REFERENCES competency (tenant_id, id)
);
