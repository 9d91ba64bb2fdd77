-- Long work a user starts from a page (generating a plan), run in the background: its progress
-- and stage for the page that shows it, and its result (a record id) or the error.

CREATE TABLE job (
    tenant_id BIGINT NOT NULL,
    id BIGINT NOT NULL,
    kind TEXT NOT NULL,
    status TEXT NOT NULL,
    progress INTEGER NOT NULL,
    stage TEXT NOT NULL,
    result_id BIGINT,
    error TEXT NOT NULL,
    created_by BIGINT,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id) REFERENCES tenant (id)
);
CREATE INDEX job_status ON job (status);
