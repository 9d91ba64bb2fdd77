-- The documents of an MoU / PKS (the signed scan, annexes): kept in the database with the rest
-- of the tenant's data, so a backup, `cakap export` and a move between SQLite and PostgreSQL
-- carry them. Bounded in size and count by the store (10 MB, 10 per agreement). BYTEA is a
-- BLOB to SQLite.

CREATE TABLE agreement_document (
    tenant_id BIGINT NOT NULL,
    id BIGINT NOT NULL,
    agreement_id BIGINT NOT NULL,
    file_name TEXT NOT NULL,
    kind TEXT NOT NULL,
    size BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    content BYTEA NOT NULL,
    uploaded_by TEXT NOT NULL,
    uploaded_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, agreement_id) REFERENCES agreement (tenant_id, id)
);
CREATE INDEX agreement_document_agreement ON agreement_document (tenant_id, agreement_id);
