-- Delivery (issue "Classes, enrollment…"): who must approve a nomination, a class's instructors,
-- and in-app notifications.
--
-- approval: 'none' (a nomination takes a seat at once), 'atasan' (the atasan approves), or
-- 'atasan_bkpsdm' (the atasan, then BKPSDM). Added in place with a default, as 0013.
ALTER TABLE offering ADD COLUMN approval TEXT NOT NULL DEFAULT 'none';

-- An instructor is a user of the tenant (a widyaiswara with the instructor role, who then marks
-- attendance) or a partner's person known only by name.
CREATE TABLE offering_instructor (
    tenant_id BIGINT NOT NULL,
    id BIGINT NOT NULL,
    offering_id BIGINT NOT NULL,
    user_id BIGINT,
    name TEXT NOT NULL,
    organisation TEXT NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, offering_id) REFERENCES offering (tenant_id, id),
    FOREIGN KEY (tenant_id, user_id) REFERENCES app_user (tenant_id, id)
);
CREATE INDEX offering_instructor_offering ON offering_instructor (tenant_id, offering_id);
CREATE INDEX offering_instructor_user ON offering_instructor (tenant_id, user_id);

-- What a user is told (nomination, approval, promotion from the waitlist, a certificate):
-- written in the same transaction as the change it reports; e-mail is sent from it when SMTP
-- is configured (emailed_at set once sent).
CREATE TABLE notification (
    tenant_id BIGINT NOT NULL,
    id BIGINT NOT NULL,
    user_id BIGINT NOT NULL,
    kind TEXT NOT NULL,
    body TEXT NOT NULL,
    link TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    read_at TIMESTAMPTZ,
    emailed_at TIMESTAMPTZ,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, user_id) REFERENCES app_user (tenant_id, id)
);
CREATE INDEX notification_user ON notification (tenant_id, user_id, created_at);

-- Who put the person forward ('own', 'atasan', 'bkpsdm'): a nomination by BKPSDM needs only the
-- atasan's consent, one by the employee or the atasan goes through every stage the class asks.
ALTER TABLE enrollment ADD COLUMN nominator TEXT NOT NULL DEFAULT 'bkpsdm';
