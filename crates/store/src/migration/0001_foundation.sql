-- Foundation: tenants, organisation, people, users, sessions, audit, imports.
-- Portable DDL: the same text runs on SQLite and PostgreSQL. Types are chosen so both agree:
-- BIGINT ids, TEXT codes and JSON, BOOLEAN, DATE, TIMESTAMPTZ (SQLite keeps ISO-8601 text).
-- Keys rule (docs/SCALING.md): tenant_id leads every primary, unique and foreign key of a tenant table.

CREATE TABLE tenant (
    id BIGINT NOT NULL PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    timezone TEXT NOT NULL,
    settings TEXT NOT NULL,
    active BOOLEAN NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE unit (
    tenant_id BIGINT NOT NULL REFERENCES tenant (id),
    id BIGINT NOT NULL,
    parent_id BIGINT,
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    -- Materialised path of ids, '/12/40/' : subtree = path LIKE '/12/%'.
    path TEXT NOT NULL,
    active BOOLEAN NOT NULL,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, code),
    FOREIGN KEY (tenant_id, parent_id) REFERENCES unit (tenant_id, id)
);
CREATE INDEX unit_path ON unit (tenant_id, path);

CREATE TABLE position (
    tenant_id BIGINT NOT NULL REFERENCES tenant (id),
    id BIGINT NOT NULL,
    unit_id BIGINT NOT NULL,
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    jenjang TEXT NOT NULL,
    -- 1 (low) .. 3 (high): weighs needs priority in AKPK.
    criticality SMALLINT NOT NULL,
    active BOOLEAN NOT NULL,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, code),
    FOREIGN KEY (tenant_id, unit_id) REFERENCES unit (tenant_id, id)
);
CREATE INDEX position_unit ON position (tenant_id, unit_id);

CREATE TABLE employee (
    tenant_id BIGINT NOT NULL REFERENCES tenant (id),
    id BIGINT NOT NULL,
    nip TEXT NOT NULL,
    name TEXT NOT NULL,
    gender TEXT NOT NULL,
    birth_date DATE NOT NULL,
    status TEXT NOT NULL,
    golongan TEXT,
    unit_id BIGINT NOT NULL,
    position_id BIGINT NOT NULL,
    target_position_id BIGINT,
    email TEXT,
    active BOOLEAN NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, nip),
    FOREIGN KEY (tenant_id, unit_id) REFERENCES unit (tenant_id, id),
    FOREIGN KEY (tenant_id, position_id) REFERENCES position (tenant_id, id),
    FOREIGN KEY (tenant_id, target_position_id) REFERENCES position (tenant_id, id)
);
CREATE INDEX employee_unit ON employee (tenant_id, unit_id);
CREATE INDEX employee_name ON employee (tenant_id, name);

-- Users are a directory shared by all tenants (logins are unique nationally, super admins have
-- no tenant); see docs/SCALING.md for how it stays on the coordinator.
CREATE TABLE app_user (
    id BIGINT NOT NULL PRIMARY KEY,
    tenant_id BIGINT REFERENCES tenant (id),
    login TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    employee_id BIGINT,
    is_super_admin BOOLEAN NOT NULL,
    active BOOLEAN NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    UNIQUE (tenant_id, id),
    FOREIGN KEY (tenant_id, employee_id) REFERENCES employee (tenant_id, id)
);

CREATE TABLE user_role (
    tenant_id BIGINT NOT NULL,
    user_id BIGINT NOT NULL,
    role TEXT NOT NULL,
    -- Supervisors: the unit whose subtree they see.
    unit_id BIGINT,
    PRIMARY KEY (tenant_id, user_id, role),
    FOREIGN KEY (tenant_id, user_id) REFERENCES app_user (tenant_id, id),
    FOREIGN KEY (tenant_id, unit_id) REFERENCES unit (tenant_id, id)
);

CREATE TABLE api_token (
    id BIGINT NOT NULL PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES app_user (id),
    name TEXT NOT NULL,
    -- sha256 of the secret; the secret itself is shown once.
    token_hash TEXT NOT NULL UNIQUE,
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ,
    last_used_at TIMESTAMPTZ,
    revoked_at TIMESTAMPTZ
);

CREATE TABLE login_attempt (
    id BIGINT NOT NULL PRIMARY KEY,
    login TEXT NOT NULL,
    ip TEXT NOT NULL,
    success BOOLEAN NOT NULL,
    at TIMESTAMPTZ NOT NULL
);
CREATE INDEX login_attempt_login ON login_attempt (login, at);
CREATE INDEX login_attempt_ip ON login_attempt (ip, at);

-- tower-sessions records; data is the JSON of the session.
CREATE TABLE web_session (
    id TEXT NOT NULL PRIMARY KEY,
    data TEXT NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX web_session_expiry ON web_session (expires_at);

-- tenant_id 0 marks national events (super admin work, failed logins of unknown users).
CREATE TABLE audit_log (
    tenant_id BIGINT NOT NULL,
    id BIGINT NOT NULL,
    at TIMESTAMPTZ NOT NULL,
    actor_user_id BIGINT,
    action TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_id TEXT,
    before_json TEXT,
    after_json TEXT,
    request_id TEXT,
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX audit_log_at ON audit_log (tenant_id, at);

CREATE TABLE import_job (
    tenant_id BIGINT NOT NULL REFERENCES tenant (id),
    id BIGINT NOT NULL,
    kind TEXT NOT NULL,
    file_name TEXT NOT NULL,
    row_count BIGINT NOT NULL,
    status TEXT NOT NULL,
    errors_json TEXT NOT NULL,
    -- Parsed rows as JSON, kept between preview and commit; cleared after commit.
    payload_json TEXT,
    created_by BIGINT,
    created_at TIMESTAMPTZ NOT NULL,
    finished_at TIMESTAMPTZ,
    inserted BIGINT NOT NULL,
    updated BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
