-- Certificates that verify (issue "…certificates that verify"). Each tenant signs with its own
-- Ed25519 key (RFC 8032); the public key is published on the verification page. A certificate
-- keeps the exact canonical payload it was signed over (RFC 8785 JSON) and the signature, so
-- its data can be shown and checked without recomputing anything; the verify code in its QR is
-- 128 random bits. Revocation keeps the row with who, when and why.

CREATE TABLE signing_key (
    tenant_id BIGINT NOT NULL,
    id BIGINT NOT NULL,
    -- The 32-byte seed, hex (kept in the database like the TOTP secrets: there is no key
    -- outside it to wrap it with; docs/SECURITY.md).
    seed TEXT NOT NULL,
    public_key TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id) REFERENCES tenant (id)
);

CREATE TABLE certificate (
    tenant_id BIGINT NOT NULL,
    id BIGINT NOT NULL,
    enrollment_id BIGINT NOT NULL,
    number TEXT NOT NULL,
    verify_code TEXT NOT NULL,
    key_id BIGINT NOT NULL,
    payload TEXT NOT NULL,
    signature TEXT NOT NULL,
    issued_at TIMESTAMPTZ NOT NULL,
    revoked_at TIMESTAMPTZ,
    revoked_by BIGINT,
    revoked_reason TEXT NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, enrollment_id) REFERENCES enrollment (tenant_id, id),
    FOREIGN KEY (tenant_id, key_id) REFERENCES signing_key (tenant_id, id)
);
CREATE UNIQUE INDEX certificate_enrollment ON certificate (tenant_id, enrollment_id);
CREATE UNIQUE INDEX certificate_number ON certificate (tenant_id, number);
-- The public page finds a certificate by its code alone (unguessable), across tenants.
CREATE UNIQUE INDEX certificate_verify_code ON certificate (verify_code);
