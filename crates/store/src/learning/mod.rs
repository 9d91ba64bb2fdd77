//! Delivery and the learning record (issue "Classes, enrollment, attendance, certificates…"):
//! the JP ledger that the annual plan's "below 20 JP" rule reads, and classes with their
//! enrollments (seats, waitlist, withdrawal).

pub mod attendance;
pub mod certificates;
pub mod classes;
pub(crate) mod ledger;

use std::collections::HashMap;

use crate::error::Result;
use crate::scope::Scope;
use cakap_domain::learning::enrollment::EnrollmentStatus;
use cakap_domain::learning::waitlist::WaitlistOrder;
use classes::OfferingInput;

/// The planner's work on classes (`ManagePlan` for now): the handle [`Scope::classes`] hands out.
pub struct Classes<'a> {
    pub(crate) scope: &'a Scope,
}

impl Classes<'_> {
    /// A new class of a program, open for registration; its id.
    pub async fn create(&self, input: &OfferingInput) -> Result<i64> {
        classes::create(self.scope.store(), &self.scope.ctx(), input).await
    }

    /// Puts an employee in a class: a seat while there is one, else the waitlist.
    pub async fn enroll(&self, offering_id: i64, employee_id: i64) -> Result<EnrollmentStatus> {
        classes::enroll(self.scope.store(), &self.scope.ctx(), offering_id, employee_id).await
    }

    /// Withdraws an enrollment with a reason; the waitlisted person promoted to the freed seat.
    pub async fn withdraw(&self, enrollment_id: i64, reason: &str) -> Result<Option<i64>> {
        let o = classes::offering_of(&self.scope.store().db, self.scope.tenant_id(), enrollment_id).await?;
        let mut priorities: HashMap<i64, u8> = HashMap::new();
        if o.waitlist_order == WaitlistOrder::NeedPriority.code() {
            let cat = crate::plan::catalogue::load(&self.scope.store().db, self.scope.tenant_id()).await?;
            let comps: Vec<i64> = cat.programs.iter().filter(|p| p.id == o.program_id).flat_map(|p| p.competencies.iter().map(|c| c.competency_id)).collect();
            let (_, needs) = crate::akpk::needs::list(self.scope, &Default::default()).await?;
            for n in needs.iter().filter(|n| comps.contains(&n.competency_id)) {
                if let Some(e) = n.employee_id {
                    let p = priorities.entry(e).or_insert(0);
                    *p = (*p).max(n.priority);
                }
            }
        }
        let year = self.scope.today().year();
        classes::withdraw(self.scope.store(), &self.scope.ctx(), enrollment_id, reason, year, &priorities).await
    }

    /// Marks a participant as having completed the class; the program's JP go to their ledger.
    pub async fn complete(&self, enrollment_id: i64) -> Result<()> {
        classes::complete(self.scope.store(), &self.scope.ctx(), enrollment_id).await
    }

    /// Issues the signed certificate of a completed enrollment; its id.
    pub async fn issue_certificate(&self, enrollment_id: i64) -> Result<i64> {
        certificates::issue(self.scope.store(), &self.scope.ctx(), enrollment_id, self.scope.today()).await
    }

    /// The code in a certificate's QR (its public verification address).
    pub async fn certificate_code(&self, id: i64) -> Result<String> {
        certificates::verify_code(&self.scope.store().db, self.scope.tenant_id(), id).await
    }

    /// Revokes a certificate with a reason; its JP leave the ledger.
    pub async fn revoke_certificate(&self, id: i64, reason: &str) -> Result<()> {
        certificates::revoke(self.scope.store(), &self.scope.ctx(), id, reason).await
    }

    /// Adds a session to a class; its id.
    pub async fn add_meeting(&self, offering_id: i64, starts_at: time::OffsetDateTime, ends_at: time::OffsetDateTime, place: &str) -> Result<i64> {
        attendance::add_meeting(self.scope.store(), &self.scope.ctx(), offering_id, starts_at, ends_at, place).await
    }

    /// The check-in code a session's QR shows at `now`.
    pub async fn checkin_code(&self, meeting_id: i64, now: time::OffsetDateTime) -> Result<String> {
        attendance::current_code(&self.scope.store().db, self.scope.tenant_id(), meeting_id, now).await
    }

    /// Records a participant's check-in with the code scanned at `now`.
    pub async fn check_in(&self, meeting_id: i64, employee_id: i64, code: &str, now: time::OffsetDateTime) -> Result<()> {
        attendance::check_in(self.scope.store(), &self.scope.ctx(), meeting_id, employee_id, code, now).await
    }

    /// How many of these sessions an employee attended.
    pub async fn attended(&self, meeting_ids: &[i64], employee_id: i64) -> Result<u32> {
        attendance::attended(&self.scope.store().db, self.scope.tenant_id(), meeting_ids, employee_id).await
    }

    /// JP per employee in the ledger for `year`.
    pub async fn jp_totals(&self, year: i32) -> Result<HashMap<i64, u32>> {
        ledger::totals(&self.scope.store().db, self.scope.tenant_id(), year).await
    }

    /// A class's enrollments in the order they were made (waitlist by its order).
    pub async fn enrollments(&self, offering_id: i64) -> Result<Vec<classes::Enrollment>> {
        classes::enrollments(&self.scope.store().db, self.scope.tenant_id(), offering_id).await
    }
}
