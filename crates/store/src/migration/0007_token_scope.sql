-- What an API token may do: read only, or read and change data.
ALTER TABLE api_token ADD COLUMN scope TEXT NOT NULL DEFAULT 'read_write';
