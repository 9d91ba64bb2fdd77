-- Workplace learning (magang, detasering, coaching, mentoring): a host (a partner of the
-- catalogue, or a name), a mentor (a user who grades, or a name, graded by BKPSDM), a period,
-- learning goals, the employee's logbook and final report, the grade. A grade that counts puts
-- the placement's JP in jp_entry (source 'placement', source_id this row).

CREATE TABLE placement (
    tenant_id BIGINT NOT NULL,
    id BIGINT NOT NULL,
    employee_id BIGINT NOT NULL,
    kind TEXT NOT NULL,
    partner_id BIGINT,
    host TEXT NOT NULL,
    mentor TEXT NOT NULL,
    mentor_user_id BIGINT,
    starts_on DATE NOT NULL,
    ends_on DATE NOT NULL,
    jp INTEGER NOT NULL,
    goals TEXT NOT NULL,
    status TEXT NOT NULL,
    report TEXT NOT NULL,
    grade TEXT,
    grade_note TEXT NOT NULL,
    graded_by BIGINT,
    graded_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, employee_id) REFERENCES employee (tenant_id, id),
    FOREIGN KEY (tenant_id, partner_id) REFERENCES partner (tenant_id, id),
    FOREIGN KEY (tenant_id, mentor_user_id) REFERENCES app_user (tenant_id, id)
);
CREATE INDEX placement_employee ON placement (tenant_id, employee_id);
CREATE INDEX placement_mentor ON placement (tenant_id, mentor_user_id);

CREATE TABLE placement_log (
    tenant_id BIGINT NOT NULL,
    id BIGINT NOT NULL,
    placement_id BIGINT NOT NULL,
    on_date DATE NOT NULL,
    body TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, placement_id) REFERENCES placement (tenant_id, id)
);
CREATE INDEX placement_log_placement ON placement_log (tenant_id, placement_id, on_date);
