-- The catalogue (partners, their agreements, programs) and the annual plan (PP 11/2017 Pasal 207)
-- with its items, who is seated where, who is left out and why, and its workflow history.

CREATE TABLE partner (
    tenant_id BIGINT NOT NULL,
    id BIGINT NOT NULL,
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    contact TEXT NOT NULL,
    active BOOLEAN NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id) REFERENCES tenant (id)
);
CREATE UNIQUE INDEX partner_name ON partner (tenant_id, name);

-- An MoU / PKS: number, scope, period, quota (participants per year, 0 = none stated) and the
-- tariff as written in it.
CREATE TABLE agreement (
    tenant_id BIGINT NOT NULL,
    id BIGINT NOT NULL,
    partner_id BIGINT NOT NULL,
    number TEXT NOT NULL,
    scope TEXT NOT NULL,
    valid_from DATE NOT NULL,
    valid_to DATE NOT NULL,
    quota INTEGER NOT NULL,
    tariff TEXT NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, partner_id) REFERENCES partner (tenant_id, id)
);
CREATE UNIQUE INDEX agreement_number ON agreement (tenant_id, number);
CREATE INDEX agreement_partner ON agreement (tenant_id, partner_id);

CREATE TABLE program (
    tenant_id BIGINT NOT NULL,
    id BIGINT NOT NULL,
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    jalur TEXT NOT NULL,
    jp INTEGER NOT NULL,
    mode TEXT NOT NULL,
    -- Empty for a program the instansi (BKPSDM) runs itself.
    agreement_id BIGINT,
    outline TEXT NOT NULL,
    fixed_cost BIGINT NOT NULL,
    cost_per_participant BIGINT NOT NULL,
    capacity INTEGER NOT NULL,
    -- Jenis jabatan it suits, comma-separated codes; empty for everyone.
    suits TEXT NOT NULL,
    active BOOLEAN NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, agreement_id) REFERENCES agreement (tenant_id, id)
);
CREATE UNIQUE INDEX program_code ON program (tenant_id, code);

CREATE TABLE program_competency (
    tenant_id BIGINT NOT NULL,
    program_id BIGINT NOT NULL,
    competency_id BIGINT NOT NULL,
    target_level SMALLINT NOT NULL,
    PRIMARY KEY (tenant_id, program_id, competency_id),
    FOREIGN KEY (tenant_id, program_id) REFERENCES program (tenant_id, id),
    FOREIGN KEY (tenant_id, competency_id) REFERENCES competency (tenant_id, id)
);

-- One version of a tenant's plan for a year. rules holds the optimizer's switches, what_if the
-- +10/25/50% figures, as JSON written by this code only.
CREATE TABLE plan (
    tenant_id BIGINT NOT NULL,
    id BIGINT NOT NULL,
    year INTEGER NOT NULL,
    version INTEGER NOT NULL,
    status TEXT NOT NULL,
    title TEXT NOT NULL,
    budget BIGINT NOT NULL,
    rules TEXT NOT NULL,
    value BIGINT NOT NULL,
    cost BIGINT NOT NULL,
    what_if TEXT NOT NULL,
    unmet TEXT NOT NULL,
    based_on BIGINT,
    created_by BIGINT,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id) REFERENCES tenant (id)
);
CREATE UNIQUE INDEX plan_version ON plan (tenant_id, year, version);

-- One program in the plan: the seven contents of Pasal 207 (the competency and jalur come from
-- the program, the participants from plan_seat).
CREATE TABLE plan_item (
    tenant_id BIGINT NOT NULL,
    id BIGINT NOT NULL,
    plan_id BIGINT NOT NULL,
    program_id BIGINT NOT NULL,
    classes INTEGER NOT NULL,
    participants INTEGER NOT NULL,
    budget BIGINT NOT NULL,
    -- Quarter of the year (1-4).
    quarter SMALLINT NOT NULL,
    curriculum_fit TEXT NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, plan_id) REFERENCES plan (tenant_id, id),
    FOREIGN KEY (tenant_id, program_id) REFERENCES program (tenant_id, id)
);
CREATE UNIQUE INDEX plan_item_program ON plan_item (tenant_id, plan_id, program_id);

CREATE TABLE plan_seat (
    tenant_id BIGINT NOT NULL,
    plan_id BIGINT NOT NULL,
    employee_id BIGINT NOT NULL,
    item_id BIGINT NOT NULL,
    value BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, plan_id, employee_id),
    FOREIGN KEY (tenant_id, item_id) REFERENCES plan_item (tenant_id, id),
    FOREIGN KEY (tenant_id, employee_id) REFERENCES employee (tenant_id, id)
);
CREATE INDEX plan_seat_item ON plan_seat (tenant_id, item_id);

CREATE TABLE plan_left_out (
    tenant_id BIGINT NOT NULL,
    plan_id BIGINT NOT NULL,
    employee_id BIGINT NOT NULL,
    reason TEXT NOT NULL,
    PRIMARY KEY (tenant_id, plan_id, employee_id),
    FOREIGN KEY (tenant_id, plan_id) REFERENCES plan (tenant_id, id),
    FOREIGN KEY (tenant_id, employee_id) REFERENCES employee (tenant_id, id)
);

CREATE TABLE plan_event (
    tenant_id BIGINT NOT NULL,
    id BIGINT NOT NULL,
    plan_id BIGINT NOT NULL,
    action TEXT NOT NULL,
    user_id BIGINT,
    user_name TEXT NOT NULL,
    note TEXT NOT NULL,
    at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, plan_id) REFERENCES plan (tenant_id, id)
);
CREATE INDEX plan_event_plan ON plan_event (tenant_id, plan_id);
