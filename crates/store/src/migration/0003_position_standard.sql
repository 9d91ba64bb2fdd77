-- Required level per competency per position, where it differs from the default by jenjang
-- (tenant settings). required_level 0 removes a competency the default would require.
CREATE TABLE position_standard (
    tenant_id BIGINT NOT NULL,
    position_id BIGINT NOT NULL,
    competency_id BIGINT NOT NULL,
    required_level SMALLINT NOT NULL,
    PRIMARY KEY (tenant_id, position_id, competency_id),
    FOREIGN KEY (tenant_id, position_id) REFERENCES position (tenant_id, id),
    FOREIGN KEY (tenant_id, competency_id) REFERENCES competency (tenant_id, id)
);
