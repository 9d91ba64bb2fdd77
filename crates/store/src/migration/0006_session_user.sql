-- Whose a web session is, so a password change can end the user's other sessions.
ALTER TABLE web_session ADD COLUMN user_id BIGINT;
CREATE INDEX web_session_user ON web_session (user_id);
