//! Many rows at once, by the fastest path each backend has: PostgreSQL's `COPY … FROM STDIN`
//! (text format) and, on SQLite, literal multi-row `INSERT`s. Only for values the store makes
//! itself (numbers, dates, codes, generated words): text is written as given, so it must hold
//! no quote, tab, newline or backslash (checked: a violation is an error, not a broken row).

use crate::error::{Result, StoreError};

/// Bytes of rows gathered before they are sent.
pub(crate) const FLUSH_BYTES: usize = 1 << 20;

/// Rows of one table as the backend's bulk text.
pub(crate) struct Rows {
    pg: bool,
    buf: String,
    row_open: bool,
    fields: usize,
    /// Rows since the last [`Rows::take`].
    pub(crate) count: usize,
}

impl Rows {
    pub(crate) fn new(pg: bool) -> Rows {
        Rows { pg, buf: String::with_capacity(FLUSH_BYTES + 4096), row_open: false, fields: 0, count: 0 }
    }

    fn sep(&mut self) {
        if !self.row_open {
            if !self.pg {
                if !self.buf.is_empty() {
                    self.buf.push(',');
                }
                self.buf.push('(');
            }
            self.row_open = true;
            self.fields = 0;
        }
        if self.fields > 0 {
            self.buf.push(if self.pg { '\t' } else { ',' });
        }
        self.fields += 1;
    }

    pub(crate) fn int(&mut self, v: i64) -> &mut Self {
        use std::fmt::Write;
        self.sep();
        let _ = write!(self.buf, "{v}");
        self
    }

    pub(crate) fn text(&mut self, v: &str) -> Result<&mut Self> {
        if v.contains(['\'', '\t', '\n', '\r', '\\']) {
            return Err(StoreError::Other(format!("teks tidak dapat ditulis sekaligus: {v:?}")));
        }
        self.sep();
        if self.pg {
            self.buf.push_str(v);
        } else {
            self.buf.push('\'');
            self.buf.push_str(v);
            self.buf.push('\'');
        }
        Ok(self)
    }

    pub(crate) fn opt_text(&mut self, v: Option<&str>) -> Result<&mut Self> {
        match v {
            Some(v) => self.text(v),
            None => Ok(self.null()),
        }
    }

    pub(crate) fn null(&mut self) -> &mut Self {
        self.sep();
        self.buf.push_str(if self.pg { "\\N" } else { "NULL" });
        self
    }

    pub(crate) fn boolean(&mut self, v: bool) -> &mut Self {
        self.sep();
        self.buf.push_str(match (self.pg, v) {
            (true, true) => "t",
            (true, false) => "f",
            (false, true) => "TRUE",
            (false, false) => "FALSE",
        });
        self
    }

    pub(crate) fn end(&mut self) {
        self.buf.push(if self.pg { '\n' } else { ')' });
        self.row_open = false;
        self.count += 1;
    }

    pub(crate) fn is_full(&self) -> bool {
        self.buf.len() >= FLUSH_BYTES
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.buf.is_empty()
    }

    /// The gathered rows: COPY text, or the `VALUES` list of an INSERT.
    pub(crate) fn take(&mut self) -> String {
        self.count = 0;
        std::mem::replace(&mut self.buf, String::with_capacity(FLUSH_BYTES + 4096))
    }
}

/// The INSERT that writes `values` (from [`Rows::take`] on SQLite) into `table`.
pub(crate) fn insert_sql(table: &str, cols: &str, values: &str) -> String {
    format!("INSERT INTO {table} ({cols}) VALUES {values}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_are_the_backends_bulk_text_and_refuse_what_would_break_them() {
        let mut pg = Rows::new(true);
        pg.int(7).text("a b").unwrap().null().boolean(true).end();
        pg.int(8).text("c").unwrap().null().boolean(false).end();
        assert_eq!(pg.take(), "7\ta b\t\\N\tt\n8\tc\t\\N\tf\n");
        let mut lite = Rows::new(false);
        lite.int(7).text("a b").unwrap().null().boolean(true).end();
        lite.int(8).text("c").unwrap().null().boolean(false).end();
        assert_eq!(insert_sql("t", "a, b, c, d", &lite.take()), "INSERT INTO t (a, b, c, d) VALUES (7,'a b',NULL,TRUE),(8,'c',NULL,FALSE)");
        assert!(lite.text("O'Brien").is_err() && pg.text("a\tb").is_err() && pg.text("a\\b").is_err());
    }
}
