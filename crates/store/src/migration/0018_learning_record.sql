-- Learning outside Cakap's classes (issue "…the 20 JP ledger"): riwayat diklat/kursus imported
-- as SIASN keeps them, and external learning an employee records with evidence for the atasan
-- to approve. An approved record has its JP in jp_entry (source 'riwayat' or 'external',
-- source_id this row); a rejected one keeps who, when and why. The evidence (a certificate scan)
-- is kept in the database like an MoU's documents (BYTEA is a BLOB to SQLite).

CREATE TABLE learning_record (
    tenant_id BIGINT NOT NULL,
    id BIGINT NOT NULL,
    employee_id BIGINT NOT NULL,
    source TEXT NOT NULL,
    status TEXT NOT NULL,
    title TEXT NOT NULL,
    jalur TEXT NOT NULL,
    kind_text TEXT NOT NULL,
    organiser TEXT NOT NULL,
    certificate_no TEXT NOT NULL,
    started_on DATE NOT NULL,
    ended_on DATE NOT NULL,
    jp INTEGER NOT NULL,
    evidence_name TEXT NOT NULL,
    evidence_kind TEXT NOT NULL,
    evidence BYTEA,
    decided_by BIGINT,
    decided_at TIMESTAMPTZ,
    reason TEXT NOT NULL,
    created_by BIGINT,
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, employee_id) REFERENCES employee (tenant_id, id)
);
CREATE INDEX learning_record_employee ON learning_record (tenant_id, employee_id, ended_on);
CREATE INDEX learning_record_status ON learning_record (tenant_id, status);
