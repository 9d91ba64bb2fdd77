-- Attendance per session: marked by the instructor or by the participant's scan of the
-- session's rotating check-in code. One row per person and session.

CREATE TABLE attendance (
    tenant_id BIGINT NOT NULL,
    meeting_id BIGINT NOT NULL,
    employee_id BIGINT NOT NULL,
    method TEXT NOT NULL,
    at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (tenant_id, meeting_id, employee_id),
    FOREIGN KEY (tenant_id, meeting_id) REFERENCES meeting (tenant_id, id),
    FOREIGN KEY (tenant_id, employee_id) REFERENCES employee (tenant_id, id)
);
