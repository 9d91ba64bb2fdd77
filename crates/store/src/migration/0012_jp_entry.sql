-- The JP ledger (PP 11/2017 Pasal 203(4): 20 JP per ASN per year): one row per piece of
-- learning that counts, from a completed class, an imported riwayat diklat or approved external
-- learning. Totals are sums over it, never stored counters, so taking an entry back (a
-- withdrawal, a revoked certificate) is deleting or reversing a row.

CREATE TABLE jp_entry (
    tenant_id BIGINT NOT NULL,
    id BIGINT NOT NULL,
    employee_id BIGINT NOT NULL,
    year INTEGER NOT NULL,
    jp INTEGER NOT NULL,
    source TEXT NOT NULL,
    -- The enrollment (or later the approved external record) it came from; empty for imports.
    source_id BIGINT,
    title TEXT NOT NULL,
    recorded_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, employee_id) REFERENCES employee (tenant_id, id)
);
CREATE INDEX jp_entry_year ON jp_entry (tenant_id, year, employee_id);
CREATE INDEX jp_entry_source ON jp_entry (tenant_id, source, source_id);
