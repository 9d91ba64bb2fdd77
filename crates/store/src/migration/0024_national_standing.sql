-- Each active ASN's standing in the national AKPK roll-up (`store::akpk::national`): against the
-- held position, per national competency in dictionary order, (actual, required) packed into
-- `levels` (3 bits each, `cakap_domain::national::pack`), with the traits the super admin's
-- filters ask for. A copy of what the tenants' data decide, written behind the national page
-- so a server start reads 4.3 million small rows instead of 60 million assessments.
CREATE TABLE national_standing (
    tenant_id BIGINT NOT NULL,
    employee_id BIGINT NOT NULL,
    levels BIGINT NOT NULL,
    -- Codes as in employee/position; NULL where the row has none.
    kind TEXT,
    status TEXT,
    gender TEXT,
    golongan TEXT,
    birth_date DATE NOT NULL,
    PRIMARY KEY (tenant_id, employee_id)
);

-- The tenant's revisions (`revision::Revisions::encode`) the standing rows above were taken at:
-- rows of a tenant whose revisions moved since are brought up to date from the change log.
CREATE TABLE national_stamp (
    tenant_id BIGINT NOT NULL PRIMARY KEY,
    revisions TEXT NOT NULL
);
