//! Migrations as portable SQL files, tracked by sea-orm-migration.
//! SQLite cannot ALTER most things in place: a later migration that changes a column rebuilds the
//! table (create new, copy, drop, rename) instead, on both backends.

use sea_orm_migration::prelude::*;

pub struct Migrator;

impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(SqlMigration { name: "m0001_foundation", sql: include_str!("0001_foundation.sql") }),
            Box::new(SqlMigration { name: "m0002_competency", sql: include_str!("0002_competency.sql") }),
            Box::new(SqlMigration { name: "m0003_position_standard", sql: include_str!("0003_position_standard.sql") }),
            Box::new(SqlMigration { name: "m0004_akpk", sql: include_str!("0004_akpk.sql") }),
            Box::new(SqlMigration { name: "m0005_revision", sql: include_str!("0005_revision.sql") }),
            Box::new(SqlMigration { name: "m0006_session_user", sql: include_str!("0006_session_user.sql") }),
            Box::new(SqlMigration { name: "m0007_token_scope", sql: include_str!("0007_token_scope.sql") }),
            Box::new(SqlMigration { name: "m0008_second_factor", sql: include_str!("0008_second_factor.sql") }),
            Box::new(SqlMigration { name: "m0009_plan", sql: include_str!("0009_plan.sql") }),
            Box::new(SqlMigration { name: "m0010_job", sql: include_str!("0010_job.sql") }),
            Box::new(SqlMigration { name: "m0011_agreement_document", sql: include_str!("0011_agreement_document.sql") }),
            Box::new(SqlMigration { name: "m0012_jp_entry", sql: include_str!("0012_jp_entry.sql") }),
            Box::new(SqlMigration { name: "m0013_program_audience", sql: include_str!("0013_program_audience.sql") }),
            Box::new(SqlMigration { name: "m0014_offering", sql: include_str!("0014_offering.sql") }),
            Box::new(SqlMigration { name: "m0015_certificate", sql: include_str!("0015_certificate.sql") }),
            Box::new(SqlMigration { name: "m0016_attendance", sql: include_str!("0016_attendance.sql") }),
            Box::new(SqlMigration { name: "m0017_delivery", sql: include_str!("0017_delivery.sql") }),
            Box::new(SqlMigration { name: "m0018_learning_record", sql: include_str!("0018_learning_record.sql") }),
            Box::new(SqlMigration { name: "m0019_placement", sql: include_str!("0019_placement.sql") }),
            Box::new(SqlMigration { name: "m0020_reminder", sql: include_str!("0020_reminder.sql") }),
            Box::new(SqlMigration { name: "m0021_seat_reservation", sql: include_str!("0021_seat_reservation.sql") }),
            Box::new(SqlMigration { name: "m0022_analysis_change", sql: include_str!("0022_analysis_change.sql") }),
            Box::new(SqlMigration { name: "m0023_assessment_period", sql: include_str!("0023_assessment_period.sql") }),
            Box::new(SqlMigration { name: "m0024_national_standing", sql: include_str!("0024_national_standing.sql") }),
        ]
    }
}

struct SqlMigration {
    name: &'static str,
    sql: &'static str,
}

impl MigrationName for SqlMigration {
    fn name(&self) -> &str {
        self.name
    }
}

#[async_trait::async_trait]
impl MigrationTrait for SqlMigration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        for stmt in statements(self.sql) {
            db.execute_unprepared(&stmt).await?;
        }
        Ok(())
    }
}

/// Splits a SQL file into statements at `;` line ends, dropping `--` comments.
fn statements(sql: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    for line in sql.lines() {
        let line = line.split("--").next().unwrap_or("").trim_end();
        if line.trim().is_empty() {
            continue;
        }
        cur.push_str(line);
        cur.push('\n');
        if line.ends_with(';') {
            out.push(std::mem::take(&mut cur));
        }
    }
    if !cur.trim().is_empty() {
        out.push(cur);
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn splits_statements_and_drops_comments() {
        let s = super::statements("-- x\nCREATE TABLE a (x INT); -- y\n\nCREATE INDEX i ON a (x);\n");
        assert_eq!(s, vec!["CREATE TABLE a (x INT);\n", "CREATE INDEX i ON a (x);\n"]);
    }
}
