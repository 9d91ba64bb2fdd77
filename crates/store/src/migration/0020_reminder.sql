-- When the reminder of a session went out (once, the day before): set in the same transaction
-- as the notifications it wrote, so a restart never reminds twice.
ALTER TABLE meeting ADD COLUMN reminded_at TIMESTAMPTZ;
