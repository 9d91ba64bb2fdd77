//! Delivery and the learning record (issue "Classes, enrollment, attendance, certificates…"):
//! the JP ledger that the annual plan's "below 20 JP" rule reads, and classes with their
//! enrollments (seats, waitlist, withdrawal).

pub mod attendance;
pub mod certificates;
pub mod classes;
pub mod compliance;
pub mod instructors;
pub(crate) mod ledger;
pub mod notify;
pub mod outbox;
pub mod placements;
pub mod records;

use std::collections::HashMap;

use crate::error::Result;
use crate::scope::Scope;
use cakap_domain::Permission;
use cakap_domain::learning::enrollment::{EnrollmentStatus, Nominator};
use cakap_domain::learning::waitlist::WaitlistOrder;
use classes::{OfferingInput, OfferingRow, Participant};

use crate::error::StoreError;

/// BKPSDM's work on classes (`ManageClasses`): the handle [`Scope::classes`] hands out.
pub struct Classes<'a> {
    pub(crate) scope: &'a Scope,
}

impl Classes<'_> {
    /// A new class of a program, open for registration; its id.
    pub async fn create(&self, input: &OfferingInput) -> Result<i64> {
        classes::create(self.scope.store(), &self.scope.ctx(), input).await
    }

    /// BKPSDM nominates an employee: a seat (or the waitlist) at once, unless the class asks
    /// for the atasan's consent first.
    pub async fn enroll(&self, offering_id: i64, employee_id: i64) -> Result<EnrollmentStatus> {
        classes::nominate(self.scope.store(), &self.scope.ctx(), offering_id, employee_id, Nominator::Bkpsdm).await
    }

    /// Gives BKPSDM's approval to a nomination waiting for it.
    pub async fn approve(&self, enrollment_id: i64) -> Result<EnrollmentStatus> {
        classes::approve(self.scope.store(), &self.scope.ctx(), enrollment_id, Nominator::Bkpsdm).await
    }

    /// Holds seats of a class for a unit's staff (0 removes the hold).
    pub async fn reserve(&self, offering_id: i64, unit_id: i64, seats: u32) -> Result<()> {
        let o = classes::offering_model(&self.scope.store().db, self.scope.tenant_id(), offering_id).await?;
        let (year, priorities) = self.promotion_inputs(&o).await?;
        classes::reserve(self.scope.store(), &self.scope.ctx(), offering_id, unit_id, seats, year, &priorities).await
    }

    /// Closes a class by its attendance rule: (completed, failed).
    pub async fn close(&self, offering_id: i64) -> Result<(u32, u32)> {
        classes::close(self.scope.store(), &self.scope.ctx(), offering_id).await
    }

    /// Issues the certificates of every completed participant who has none yet; how many.
    pub async fn issue_all(&self, offering_id: i64) -> Result<u32> {
        classes::get(&self.scope.store().db, self.scope.tenant_id(), offering_id).await?;
        let people = classes::participants(&self.scope.store().db, self.scope.tenant_id(), offering_id).await?;
        let mut n = 0;
        for p in people.iter().filter(|p| p.status == EnrollmentStatus::Completed && p.certificate.is_none()) {
            self.issue_certificate(p.enrollment_id).await?;
            n += 1;
        }
        Ok(n)
    }

    /// Adds an instructor (a widyaiswara's account, or a name); its id.
    pub async fn add_instructor(&self, offering_id: i64, user_id: Option<i64>, name: &str, organisation: &str) -> Result<i64> {
        instructors::add(self.scope.store(), &self.scope.ctx(), offering_id, user_id, name, organisation).await
    }

    /// The tenant's widyaiswara/fasilitator accounts: (user id, name).
    pub async fn instructor_accounts(&self) -> Result<Vec<(i64, String)>> {
        instructors::accounts(&self.scope.store().db, self.scope.tenant_id()).await
    }

    /// Every class, a page of them, and the total.
    pub async fn list(&self, f: &classes::OfferingFilter, page: u64) -> Result<(Vec<OfferingRow>, u64)> {
        classes::list(&self.scope.store().db, self.scope.tenant_id(), f, page).await
    }

    /// Items of approved plans, to make classes from.
    pub async fn approved_items(&self) -> Result<Vec<crate::plan::plans::ApprovedItem>> {
        crate::plan::plans::approved_items(&self.scope.store().db, self.scope.tenant_id()).await
    }

    /// Clashes of a class's sessions with any session in the same days.
    pub async fn clashes(&self, offering_id: i64) -> Result<Vec<instructors::ClashRow>> {
        instructors::clashes(&self.scope.store().db, self.scope.tenant_id(), offering_id).await
    }

    /// Withdraws an enrollment with a reason; the waitlisted person promoted to the freed seat.
    pub async fn withdraw(&self, enrollment_id: i64, reason: &str) -> Result<Option<i64>> {
        self.withdraw_unchecked(enrollment_id, reason).await
    }

    /// The withdrawal itself, for every handle that has checked who may do it.
    async fn withdraw_unchecked(&self, enrollment_id: i64, reason: &str) -> Result<Option<i64>> {
        let o = classes::offering_of(&self.scope.store().db, self.scope.tenant_id(), enrollment_id).await?;
        let (year, priorities) = self.promotion_inputs(&o).await?;
        classes::withdraw(self.scope.store(), &self.scope.ctx(), enrollment_id, reason, year, &priorities).await
    }

    /// What a promotion from the class's waitlist reads: this year (for JP shortfall) and, for a
    /// class ordered by need priority, each employee's highest need priority among the
    /// program's competencies.
    async fn promotion_inputs(&self, o: &crate::entity::offering::Model) -> Result<(i32, HashMap<i64, u8>)> {
        let mut priorities: HashMap<i64, u8> = HashMap::new();
        if o.waitlist_order == WaitlistOrder::NeedPriority.code() {
            let cat = crate::plan::catalogue::load(&self.scope.store().db, self.scope.tenant_id()).await?;
            let comps: Vec<i64> = cat.programs.iter().filter(|p| p.id == o.program_id).flat_map(|p| p.competencies.iter().map(|c| c.competency_id)).collect();
            // The order needs the tenant's needs whoever withdraws (the learner, the atasan):
            // read past the permission check, as only the promotion comes out of it.
            let (_, needs) = crate::akpk::needs::list_for_rules(self.scope, &Default::default()).await?;
            for n in needs.iter().filter(|n| comps.contains(&n.competency_id)) {
                if let Some(e) = n.employee_id {
                    let p = priorities.entry(e).or_insert(0);
                    *p = (*p).max(n.priority);
                }
            }
        }
        Ok((self.scope.today().year(), priorities))
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

/// How far one user reaches into a class (decided once, by [`Scope::class`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClassReach {
    /// BKPSDM: everything.
    All,
    /// Its instructor: the participants, sessions and attendance.
    Teaching,
    /// An atasan: the class, and their own staff in it (unit path prefix).
    Team(String),
    /// A participant or someone who may register: the class and their own enrollment.
    Own(i64),
}

/// One class as the user may see it.
pub struct ClassView<'a> {
    scope: &'a Scope,
    pub reach: ClassReach,
    pub row: OfferingRow,
}

impl ClassView<'_> {
    /// The participants the user may see (the atasan their staff, the learner themself).
    pub async fn participants(&self) -> Result<Vec<Participant>> {
        let db = &self.scope.store().db;
        let all = classes::participants(db, self.scope.tenant_id(), self.row.id).await?;
        Ok(match &self.reach {
            ClassReach::All | ClassReach::Teaching => all,
            ClassReach::Own(e) => all.into_iter().filter(|p| p.employee_id == *e).collect(),
            ClassReach::Team(_) => {
                let staff = self.scope.employees()?;
                let mut out = vec![];
                for p in all {
                    if staff.get(p.employee_id).await.is_ok() {
                        out.push(p);
                    }
                }
                out
            }
        })
    }

    pub async fn meetings(&self) -> Result<Vec<attendance::Meeting>> {
        attendance::meetings(&self.scope.store().db, self.scope.tenant_id(), self.row.id).await
    }

    /// The seats units hold in this class.
    pub async fn reservations(&self) -> Result<Vec<classes::ReservationRow>> {
        Ok(classes::reservations(&self.scope.store().db, self.scope.tenant_id(), self.row.id).await?.into_iter().map(|(r, _)| r).collect())
    }

    pub async fn instructors(&self) -> Result<Vec<instructors::Instructor>> {
        instructors::of(&self.scope.store().db, self.scope.tenant_id(), self.row.id).await
    }

    /// Whether the user runs attendance here (BKPSDM or the class's instructor).
    pub fn runs_attendance(&self) -> bool {
        matches!(self.reach, ClassReach::All | ClassReach::Teaching)
    }

    /// One of this class's sessions.
    pub async fn meeting(&self, meeting_id: i64) -> Result<attendance::Meeting> {
        let m = attendance::meeting(&self.scope.store().db, self.scope.tenant_id(), meeting_id).await?;
        if m.offering_id != self.row.id {
            return Err(StoreError::NotFound);
        }
        Ok(m)
    }

    /// Who is recorded present at one of this class's sessions (instructor and BKPSDM only).
    pub async fn present(&self, meeting_id: i64) -> Result<HashMap<i64, cakap_domain::learning::attendance::AttendanceMethod>> {
        self.attendance_runner()?;
        self.meeting(meeting_id).await?;
        attendance::present(&self.scope.store().db, self.scope.tenant_id(), meeting_id).await
    }

    /// The instructor's register for one of this class's sessions.
    pub async fn mark(&self, meeting_id: i64, present: &[i64], now: time::OffsetDateTime) -> Result<()> {
        self.attendance_runner()?;
        self.meeting(meeting_id).await?;
        attendance::mark(self.scope.store(), &self.scope.ctx(), meeting_id, present, now).await
    }

    /// The code the session's QR shows now (instructor and BKPSDM only).
    pub async fn checkin_code(&self, meeting_id: i64, now: time::OffsetDateTime) -> Result<String> {
        self.attendance_runner()?;
        self.meeting(meeting_id).await?;
        attendance::current_code(&self.scope.store().db, self.scope.tenant_id(), meeting_id, now).await
    }

    fn attendance_runner(&self) -> Result<()> {
        if self.runs_attendance() { Ok(()) } else { Err(StoreError::Forbidden) }
    }
}

impl Scope {
    /// A class as this user may see it; not found when they may not (BKPSDM sees every class,
    /// an instructor those they teach, an atasan every class (to nominate), an employee the
    /// classes they are in or may register for).
    pub async fn class(&self, offering_id: i64) -> Result<ClassView<'_>> {
        let db = &self.store().db;
        let row = classes::get(db, self.tenant_id(), offering_id).await?;
        let reach = if self.can(Permission::ManageClasses) {
            ClassReach::All
        } else if self.can(Permission::TeachClasses)
            && let Some(u) = self.principal().user_id()
            && instructors::classes_of(db, self.tenant_id(), u).await?.contains(&offering_id)
        {
            ClassReach::Teaching
        } else if self.can(Permission::NominateTeam)
            && let Some(unit) = self.principal().supervised()
        {
            ClassReach::Team(unit.path.clone())
        } else if self.can(Permission::Learn)
            && let Some(e) = self.principal().employee_id()
            && (row.self_register && row.status == cakap_domain::learning::enrollment::OfferingStatus::Open
                || classes::of_employee(db, self.tenant_id(), e).await?.iter().any(|(o, _)| *o == offering_id))
        {
            ClassReach::Own(e)
        } else {
            return Err(StoreError::NotFound);
        };
        Ok(ClassView { scope: self, reach, row })
    }

    /// A certificate for its PDF and credential: BKPSDM's, or one's own; with its verify code
    /// and the holder's full NIP (the PDF prints it; the signed payload has it masked).
    pub async fn certificate(&self, id: i64) -> Result<(certificates::Verified, String, String)> {
        let db = &self.store().db;
        let (holder, nip) = certificates::holder(db, self.tenant_id(), id).await?;
        let own = self.can(Permission::Learn) && self.principal().employee_id() == Some(holder);
        if !(own || self.can(Permission::ManageClasses)) {
            return Err(StoreError::NotFound);
        }
        let code = certificates::verify_code(db, self.tenant_id(), id).await?;
        Ok((certificates::verify(self.store(), &code).await?, code, nip))
    }

    /// A certificate (BKPSDM's, or one's own) as a signed Open Badges 3.0 credential.
    pub async fn open_badge(&self, id: i64, verify_url: impl Fn(&str) -> String) -> Result<serde_json::Value> {
        let (_, code, _) = self.certificate(id).await?;
        certificates::open_badge(&self.store().db, self.tenant_id(), id, &verify_url(&code)).await
    }

    /// The user's latest notifications and how many are unread.
    pub async fn notifications(&self) -> Result<(Vec<notify::Notice>, u64)> {
        let u = self.principal().user_id().ok_or(StoreError::Forbidden)?;
        notify::of_user(&self.store().db, self.tenant_id(), u).await
    }

    /// How many of the user's notifications are unread (the bell in the top bar).
    pub async fn unread_notifications(&self) -> Result<u64> {
        let Some(u) = self.principal().user_id() else { return Ok(0) };
        notify::unread(&self.store().db, self.tenant_id(), u).await
    }

    /// Marks all the user's notifications read.
    pub async fn read_notifications(&self) -> Result<()> {
        let u = self.principal().user_id().ok_or(StoreError::Forbidden)?;
        notify::mark_read(self.store(), self.tenant_id(), u).await
    }

    /// The classes this user may list: every class for BKPSDM and the atasan (who nominates
    /// into any of them), the ones they teach for an instructor.
    pub async fn class_list(&self, f: &classes::OfferingFilter, page: u64) -> Result<(Vec<OfferingRow>, u64)> {
        let db = &self.store().db;
        if self.can(Permission::ManageClasses) || self.can(Permission::NominateTeam) {
            return classes::list(db, self.tenant_id(), f, page).await;
        }
        self.require(Permission::TeachClasses)?;
        let u = self.principal().user_id().ok_or(StoreError::Forbidden)?;
        let mut f = f.clone();
        f.only = Some(instructors::classes_of(db, self.tenant_id(), u).await?);
        classes::list(db, self.tenant_id(), &f, page).await
    }

    /// Gives the approval this user gives: BKPSDM's second stage, or the atasan's for their
    /// staff; not found for an enrollment out of reach.
    pub async fn approve_enrollment(&self, enrollment_id: i64) -> Result<EnrollmentStatus> {
        if self.can(Permission::ManageClasses) {
            return self.classes()?.approve(enrollment_id).await;
        }
        self.team_learning().map_err(|_| StoreError::NotFound)?.approve(enrollment_id).await
    }

    /// Withdraws an enrollment with a reason: BKPSDM any, the atasan their staff's, the learner
    /// their own; not found for anyone else's.
    pub async fn withdraw_enrollment(&self, enrollment_id: i64, reason: &str) -> Result<Option<i64>> {
        let e = classes::enrollment(&self.store().db, self.tenant_id(), enrollment_id).await?;
        if self.can(Permission::ManageClasses) {
            return self.classes()?.withdraw(enrollment_id, reason).await;
        }
        let own = self.can(Permission::Learn) && self.principal().employee_id() == Some(e.employee_id);
        let staff = self.can(Permission::NominateTeam) && self.employees()?.get(e.employee_id).await.is_ok();
        if !(own || staff) {
            return Err(StoreError::NotFound);
        }
        withdraw_in(self, enrollment_id, reason).await
    }

    /// Nominations waiting for BKPSDM's approval (`ManageClasses`).
    pub async fn awaiting_bkpsdm(&self) -> Result<Vec<(OfferingRow, Participant)>> {
        self.require(Permission::ManageClasses)?;
        classes::waiting_for(&self.store().db, self.tenant_id(), EnrollmentStatus::Approved).await
    }

    /// The class of a session, as [`Scope::class`] lets this user see it.
    pub async fn session_class(&self, meeting_id: i64) -> Result<ClassView<'_>> {
        let m = attendance::meeting(&self.store().db, self.tenant_id(), meeting_id).await?;
        self.class(m.offering_id).await
    }

    /// The classes this user teaches (instructor role).
    pub async fn taught_classes(&self) -> Result<Vec<OfferingRow>> {
        self.require(Permission::TeachClasses)?;
        let u = self.principal().user_id().ok_or(StoreError::Forbidden)?;
        let ids = instructors::classes_of(&self.store().db, self.tenant_id(), u).await?;
        Ok(classes::list(&self.store().db, self.tenant_id(), &classes::OfferingFilter { only: Some(ids), ..Default::default() }, 1).await?.0)
    }

    /// The atasan's work on their staff's learning (`NominateTeam`).
    pub fn team_learning(&self) -> Result<TeamLearning<'_>> {
        self.require(Permission::NominateTeam)?;
        Ok(TeamLearning { scope: self })
    }

    /// One's own learning (`Learn`, and a user linked to an employee record).
    pub fn learner(&self) -> Result<Learner<'_>> {
        self.require(Permission::Learn)?;
        let employee_id = self.principal().employee_id().ok_or(StoreError::Forbidden)?;
        Ok(Learner { scope: self, employee_id })
    }
}

/// The atasan's handle: nominate their staff, approve or turn down their nominations.
pub struct TeamLearning<'a> {
    scope: &'a Scope,
}

impl TeamLearning<'_> {
    /// Nominates one of the atasan's staff (not found for anyone else).
    pub async fn nominate(&self, offering_id: i64, employee_id: i64) -> Result<EnrollmentStatus> {
        self.scope.employees()?.get(employee_id).await.map_err(|_| StoreError::invalid("employee_id", "pegawai ini bukan bawahan Anda"))?;
        classes::nominate(self.scope.store(), &self.scope.ctx(), offering_id, employee_id, Nominator::Atasan).await
    }

    /// Holds seats of a class for the atasan's unit or a unit below it.
    pub async fn reserve(&self, offering_id: i64, unit_id: i64, seats: u32) -> Result<()> {
        let path = self.scope.principal().supervised().map(|u| u.path.clone()).ok_or(StoreError::Forbidden)?;
        let units = self.scope.units()?.list().await?;
        if !units.iter().any(|u| u.id == unit_id && u.path.starts_with(&path)) {
            return Err(StoreError::invalid("unit_id", "pilih unit Anda atau unit di bawahnya"));
        }
        Classes { scope: self.scope }.reserve(offering_id, unit_id, seats).await
    }

    /// The units the atasan may hold seats for: (id, name), their own first.
    pub async fn units(&self) -> Result<Vec<(i64, String)>> {
        let path = self.scope.principal().supervised().map(|u| u.path.clone()).ok_or(StoreError::Forbidden)?;
        let mut units: Vec<_> = self.scope.units()?.list().await?.into_iter().filter(|u| u.active && u.path.starts_with(&path)).collect();
        units.sort_by(|a, b| a.path.len().cmp(&b.path.len()).then_with(|| a.name.cmp(&b.name)));
        Ok(units.into_iter().map(|u| (u.id, u.name)).collect())
    }

    /// The atasan's approval of a staff member's nomination.
    pub async fn approve(&self, enrollment_id: i64) -> Result<EnrollmentStatus> {
        self.own_staff(enrollment_id).await?;
        classes::approve(self.scope.store(), &self.scope.ctx(), enrollment_id, Nominator::Atasan).await
    }

    /// Nominations of the atasan's staff waiting for the atasan: (class, participant).
    pub async fn pending(&self) -> Result<Vec<(OfferingRow, Participant)>> {
        let db = &self.scope.store().db;
        let staff = self.scope.employees()?;
        let waiting = classes::waiting_for(db, self.scope.tenant_id(), EnrollmentStatus::Nominated).await?;
        let mut out = vec![];
        for (o, p) in waiting {
            if staff.get(p.employee_id).await.is_ok() {
                out.push((o, p));
            }
        }
        Ok(out)
    }

    async fn own_staff(&self, enrollment_id: i64) -> Result<()> {
        let e = classes::enrollment(&self.scope.store().db, self.scope.tenant_id(), enrollment_id).await?;
        self.scope.employees()?.get(e.employee_id).await.map(|_| ()).map_err(|_| StoreError::NotFound)
    }
}

/// Withdraws with a reason, reading need priorities first for a class ordered by them.
async fn withdraw_in(scope: &Scope, enrollment_id: i64, reason: &str) -> Result<Option<i64>> {
    Classes { scope }.withdraw_unchecked(enrollment_id, reason).await
}

/// One's own learning: classes, registration, check-in, certificates, JP.
pub struct Learner<'a> {
    scope: &'a Scope,
    pub employee_id: i64,
}

impl Learner<'_> {
    /// Classes one is or was in: (class, own enrollment).
    pub async fn classes(&self) -> Result<Vec<(OfferingRow, classes::Enrollment)>> {
        let db = &self.scope.store().db;
        let mine = classes::of_employee(db, self.scope.tenant_id(), self.employee_id).await?;
        let ids: Vec<i64> = mine.iter().map(|(o, _)| *o).collect();
        let rows = classes::list(db, self.scope.tenant_id(), &classes::OfferingFilter { only: Some(ids), ..Default::default() }, 1).await?.0;
        Ok(mine.into_iter().filter_map(|(o, e)| rows.iter().find(|r| r.id == o).map(|r| (r.clone(), e))).collect())
    }

    /// Classes open for self-registration that one is not in.
    pub async fn open_classes(&self) -> Result<Vec<OfferingRow>> {
        let db = &self.scope.store().db;
        let mine: Vec<i64> = classes::of_employee(db, self.scope.tenant_id(), self.employee_id).await?.into_iter().map(|(o, _)| o).collect();
        let f = classes::OfferingFilter { open_on: Some(self.scope.today()), ..Default::default() };
        Ok(classes::list(db, self.scope.tenant_id(), &f, 1).await?.0.into_iter().filter(|o| !mine.contains(&o.id)).collect())
    }

    /// Registers for a class that allows it.
    pub async fn register(&self, offering_id: i64) -> Result<EnrollmentStatus> {
        let o = classes::get(&self.scope.store().db, self.scope.tenant_id(), offering_id).await?;
        if !o.self_register {
            return Err(StoreError::Conflict("status", "kelas ini tidak membuka pendaftaran mandiri; mintalah atasan Anda mengusulkan".into()));
        }
        classes::nominate(self.scope.store(), &self.scope.ctx(), offering_id, self.employee_id, Nominator::Own).await
    }

    /// Checks in to a session with the code its QR showed.
    pub async fn check_in(&self, meeting_id: i64, code: &str, now: time::OffsetDateTime) -> Result<()> {
        attendance::check_in(self.scope.store(), &self.scope.ctx(), meeting_id, self.employee_id, code, now).await
    }

    /// A session one may check in to, with its class's title.
    pub async fn session(&self, meeting_id: i64) -> Result<(attendance::Meeting, OfferingRow)> {
        let db = &self.scope.store().db;
        let m = attendance::meeting(db, self.scope.tenant_id(), meeting_id).await?;
        let o = classes::get(db, self.scope.tenant_id(), m.offering_id).await?;
        Ok((m, o))
    }

    /// One's certificates, newest first.
    pub async fn certificates(&self) -> Result<Vec<certificates::Owned>> {
        certificates::of_employee(&self.scope.store().db, self.scope.tenant_id(), self.employee_id).await
    }

    /// One's JP entries in a year, and their total.
    pub async fn jp(&self, year: i32) -> Result<Vec<ledger::Entry>> {
        ledger::entries(&self.scope.store().db, self.scope.tenant_id(), self.employee_id, year).await
    }
}

impl Learner<'_> {
    /// Records one's external learning with its evidence, for the atasan to approve.
    pub async fn submit_record(&self, input: &cakap_domain::learning::record::RecordInput, evidence: (&str, Vec<u8>)) -> Result<i64> {
        records::submit(self.scope.store(), &self.scope.ctx(), self.employee_id, input, self.scope.today(), evidence).await
    }

    /// One's riwayat and external learning, newest first.
    pub async fn records(&self) -> Result<Vec<records::Record>> {
        records::of_employee(&self.scope.store().db, self.scope.tenant_id(), self.employee_id).await
    }
}

impl Classes<'_> {
    /// Imports riwayat diklat/kursus in SIASN's fields, all or nothing.
    pub async fn import_riwayat(&self, table: &crate::import::Table) -> Result<std::result::Result<usize, Vec<crate::import::RowError>>> {
        records::import(self.scope.store(), &self.scope.ctx(), table, self.scope.today()).await
    }

    /// Sets up a magang, detasering, coaching or mentoring; its id.
    pub async fn create_placement(&self, input: &cakap_domain::learning::placement::PlacementInput) -> Result<i64> {
        placements::create(self.scope.store(), &self.scope.ctx(), input).await
    }
}

impl Scope {
    /// Whether this user decides on the employee's external learning: BKPSDM (for units with no
    /// atasan in Cakap) or the employee's atasan.
    async fn decides_for(&self, employee_id: i64) -> Result<bool> {
        Ok(self.can(Permission::ManageClasses) || (self.can(Permission::NominateTeam) && self.employees()?.get(employee_id).await.is_ok()))
    }

    /// Approves (its JP enter the ledger) or turns down (with a reason) submitted external
    /// learning; not found for a record out of reach.
    pub async fn decide_record(&self, id: i64, approve: bool, reason: &str) -> Result<()> {
        let employee = records::employee_of(&self.store().db, self.tenant_id(), id).await?;
        if !self.decides_for(employee).await? {
            return Err(StoreError::NotFound);
        }
        records::decide(self.store(), &self.ctx(), id, approve, reason).await
    }

    /// External learning waiting for this user's decision, with the employee's name and NIP.
    pub async fn records_awaiting(&self) -> Result<Vec<(records::Record, String, String)>> {
        if !(self.can(Permission::ManageClasses) || self.can(Permission::NominateTeam)) {
            return Ok(vec![]);
        }
        // Past the permission check above, whom one decides for is whom one reads: the tenant
        // for BKPSDM, the subtree for the atasan (`decides_for`), so one lookup answers both.
        let staff = self.employees()?;
        let mut out = vec![];
        for r in records::submitted(&self.store().db, self.tenant_id()).await? {
            if let Ok(e) = staff.get(r.employee_id).await {
                out.push((r, e.name, e.nip));
            }
        }
        Ok(out)
    }

    /// A record's evidence: for its owner, whoever decides on it, or BKPSDM.
    pub async fn record_evidence(&self, id: i64) -> Result<(String, cakap_domain::document::DocumentKind, Vec<u8>)> {
        let employee = records::employee_of(&self.store().db, self.tenant_id(), id).await?;
        let own = self.can(Permission::Learn) && self.principal().employee_id() == Some(employee);
        if !(own || self.decides_for(employee).await?) {
            return Err(StoreError::NotFound);
        }
        records::evidence(&self.store().db, self.tenant_id(), id).await
    }

    /// Every completion and approved record of `year` for the employees in reach, in SIASN's
    /// fields (`ReadLedger`).
    pub async fn export_riwayat(&self, year: i32) -> Result<Vec<records::ExportRow>> {
        self.require(Permission::ReadLedger)?;
        let staff = self
            .employees()?
            .list(&cakap_domain::org::directory::EmployeeFilter { include_inactive: true, ..Default::default() }, 1, compliance::MAX_EMPLOYEES)
            .await?
            .items;
        let nips: HashMap<i64, String> = staff.into_iter().map(|e| (e.id, e.nip)).collect();
        records::export(&self.store().db, self.tenant_id(), year, &nips).await
    }

    /// The placements this user sees: all for BKPSDM; one's own and those one mentors.
    pub async fn placements(&self) -> Result<Vec<placements::Placement>> {
        let db = &self.store().db;
        if self.can(Permission::ManageClasses) {
            return placements::list(db, self.tenant_id(), None, None).await;
        }
        let mut out = vec![];
        if self.can(Permission::Learn)
            && let Some(e) = self.principal().employee_id()
        {
            out.extend(placements::list(db, self.tenant_id(), Some(e), None).await?);
        }
        if let Some(u) = self.principal().user_id() {
            out.extend(
                placements::list(db, self.tenant_id(), None, Some(u))
                    .await?
                    .into_iter()
                    .filter(|p| !out.iter().any(|o: &placements::Placement| o.id == p.id))
                    .collect::<Vec<_>>(),
            );
        }
        if out.is_empty() && !(self.can(Permission::Learn) || self.can(Permission::TeachClasses)) {
            return Err(StoreError::Forbidden);
        }
        Ok(out)
    }

    /// One placement as this user may see it: BKPSDM (and grade), its mentor (and grade), the
    /// employee (logbook and report); not found for anyone else.
    pub async fn placement(&self, id: i64) -> Result<PlacementView<'_>> {
        let p = placements::get(&self.store().db, self.tenant_id(), id).await?;
        let own = self.can(Permission::Learn) && self.principal().employee_id() == Some(p.employee_id);
        let mentor = p.mentor_user_id.is_some() && p.mentor_user_id == self.principal().user_id();
        let manage = self.can(Permission::ManageClasses);
        if !(own || mentor || manage) {
            return Err(StoreError::NotFound);
        }
        Ok(PlacementView { scope: self, placement: p, own, may_grade: (mentor || manage) && !own })
    }
}

/// A placement as one user may act on it.
pub struct PlacementView<'a> {
    scope: &'a Scope,
    pub placement: placements::Placement,
    /// The employee's own: they keep the logbook and write the report.
    pub own: bool,
    /// The mentor or BKPSDM (never the employee themself) grades.
    pub may_grade: bool,
}

impl PlacementView<'_> {
    pub async fn log(&self) -> Result<Vec<placements::LogEntry>> {
        placements::log(&self.scope.store().db, self.scope.tenant_id(), self.placement.id).await
    }

    pub async fn add_log(&self, on_date: time::Date, body: &str) -> Result<()> {
        if !self.own {
            return Err(StoreError::Forbidden);
        }
        placements::add_log(self.scope.store(), &self.scope.ctx(), self.placement.id, on_date, body).await
    }

    pub async fn report(&self, text: &str) -> Result<()> {
        if !self.own {
            return Err(StoreError::Forbidden);
        }
        placements::report(self.scope.store(), &self.scope.ctx(), self.placement.id, text).await
    }

    pub async fn grade(&self, grade: cakap_domain::learning::placement::Grade, note: &str) -> Result<()> {
        if !self.may_grade {
            return Err(StoreError::Forbidden);
        }
        placements::grade(self.scope.store(), &self.scope.ctx(), self.placement.id, grade, note).await
    }
}
