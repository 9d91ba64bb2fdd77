-- Classes (offerings) of a program, their sessions (meetings) and who is in them (issue
-- "Classes, enrollment, attendance…"). An enrollment's status moves nominated → approved →
-- enrolled, or waitlisted → enrolled when a seat frees, and ends completed, failed or withdrawn;
-- the row is kept (withdrawal records who, when and why). One enrollment per person and class.

CREATE TABLE offering (
    tenant_id BIGINT NOT NULL,
    id BIGINT NOT NULL,
    program_id BIGINT NOT NULL,
    -- The approved plan item it delivers; empty for a class outside the plan.
    plan_item_id BIGINT,
    title TEXT NOT NULL,
    starts_on DATE NOT NULL,
    ends_on DATE NOT NULL,
    place TEXT NOT NULL,
    link TEXT NOT NULL,
    capacity INTEGER NOT NULL,
    cost BIGINT NOT NULL,
    self_register BOOLEAN NOT NULL,
    waitlist_order TEXT NOT NULL,
    min_attendance INTEGER NOT NULL,
    status TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, program_id) REFERENCES program (tenant_id, id),
    FOREIGN KEY (tenant_id, plan_item_id) REFERENCES plan_item (tenant_id, id)
);
CREATE INDEX offering_program ON offering (tenant_id, program_id);
CREATE INDEX offering_starts ON offering (tenant_id, starts_on);

CREATE TABLE meeting (
    tenant_id BIGINT NOT NULL,
    id BIGINT NOT NULL,
    offering_id BIGINT NOT NULL,
    starts_at TIMESTAMPTZ NOT NULL,
    ends_at TIMESTAMPTZ NOT NULL,
    place TEXT NOT NULL,
    -- The secret check-in codes are derived from (hex); never shown.
    checkin_secret TEXT NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, offering_id) REFERENCES offering (tenant_id, id)
);
CREATE INDEX meeting_offering ON meeting (tenant_id, offering_id, starts_at);

CREATE TABLE enrollment (
    tenant_id BIGINT NOT NULL,
    id BIGINT NOT NULL,
    offering_id BIGINT NOT NULL,
    employee_id BIGINT NOT NULL,
    status TEXT NOT NULL,
    -- When they joined the waitlist (the first-come order); empty when never waitlisted.
    waitlisted_at TIMESTAMPTZ,
    created_by BIGINT,
    decided_by BIGINT,
    reason TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, offering_id) REFERENCES offering (tenant_id, id),
    FOREIGN KEY (tenant_id, employee_id) REFERENCES employee (tenant_id, id)
);
CREATE UNIQUE INDEX enrollment_person ON enrollment (tenant_id, offering_id, employee_id);
CREATE INDEX enrollment_employee ON enrollment (tenant_id, employee_id);
