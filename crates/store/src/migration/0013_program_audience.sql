-- The bidang tugas a program is meant for: words of position names separated by "; " (e.g.
-- "Perencana; Analis Kebijakan"); empty for every bidang. Added in place (SQLite and
-- PostgreSQL both add a column with a default without rebuilding the table).

ALTER TABLE program ADD COLUMN audience TEXT NOT NULL DEFAULT '';
