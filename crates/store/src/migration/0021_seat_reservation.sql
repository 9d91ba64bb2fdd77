-- Seats a manager holds in a class for their unit, to name people later
-- (`domain::learning::seats`): one row per class and unit; removed when set to 0.
CREATE TABLE seat_reservation (
    tenant_id BIGINT NOT NULL,
    offering_id BIGINT NOT NULL,
    unit_id BIGINT NOT NULL,
    seats INTEGER NOT NULL,
    created_by BIGINT,
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (tenant_id, offering_id, unit_id),
    FOREIGN KEY (tenant_id, offering_id) REFERENCES offering (tenant_id, id),
    FOREIGN KEY (tenant_id, unit_id) REFERENCES unit (tenant_id, id)
);
