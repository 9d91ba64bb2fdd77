//! Classes (offerings): the list, a new class from an approved plan item (or outside the plan),
//! and a class's page with its sessions, instructors, clash warnings, participants and the
//! actions each role has there (nominate, approve, withdraw, close, certificates).

use askama::Template;
use axum::extract::Query;
use axum::http::StatusCode;
use axum::response::Response;
use cakap_domain::Permission;
use cakap_domain::learning::enrollment::{Approval, EnrollmentStatus, OfferingStatus};
use cakap_domain::learning::waitlist::WaitlistOrder;
use cakap_store::learning::classes::{OfferingFilter, OfferingInput, OfferingRow};
use cakap_store::learning::{ClassReach, ClassView};
use serde::Deserialize;
use tower_sessions::Session;

use crate::auth::Actor;
use crate::error::{AppError, Result};
use crate::pages::{render, render_status, see_other};
use crate::params::{Form, Path};
use crate::view::{FormErrors, Layout};

/// A class as a line of a list.
pub struct ClassLine {
    pub id: i64,
    pub title: String,
    pub program: String,
    pub jalur: String,
    pub dates: String,
    pub place: String,
    pub seats: String,
    pub waitlisted: u32,
    pub pending: u32,
    pub status: &'static str,
    pub open: bool,
    pub from_plan: bool,
}

pub fn line(r: &OfferingRow) -> ClassLine {
    ClassLine {
        id: r.id,
        title: r.title.clone(),
        program: format!("{} · {} JP", r.program_name, r.jp),
        jalur: r.jalur.clone(),
        dates: dates(r),
        place: if r.place.is_empty() { if r.link.is_empty() { "—".into() } else { "Daring".into() } } else { r.place.clone() },
        seats: format!("{} / {}", r.taken, r.capacity),
        waitlisted: r.waitlisted,
        pending: r.pending,
        status: r.status.label(),
        open: r.status == OfferingStatus::Open,
        from_plan: r.plan_item_id.is_some(),
    }
}

pub fn dates(r: &OfferingRow) -> String {
    crate::view::period(r.starts_on, r.ends_on)
}

#[derive(Template)]
#[template(path = "learning/classes.html")]
struct ClassesPage {
    layout: Layout,
    rows: Vec<ClassLine>,
    year: i32,
    years: Vec<i32>,
    can_manage: bool,
    can_nominate: bool,
    total: u64,
    page: u64,
    pages: u64,
}

#[derive(Deserialize, Default)]
pub struct ClassesQuery {
    pub tahun: Option<i32>,
    pub page: Option<u64>,
}

/// Classes of a year: BKPSDM and the atasan see every class, an instructor theirs.
pub async fn view_classes_get(session: Session, a: Actor, Query(q): Query<ClassesQuery>) -> Result<Response> {
    if !(a.can(Permission::ManageClasses) || a.can(Permission::NominateTeam) || a.can(Permission::TeachClasses)) {
        return Err(AppError::Forbidden);
    }
    let scope = a.scope()?;
    let this = scope.today().year();
    let year = q.tahun.filter(|y| (this - 10..=this + 5).contains(y)).unwrap_or(this);
    let page = crate::params::page(q.page);
    let (rows, total) = scope.class_list(&OfferingFilter { year: Some(year), ..Default::default() }, page).await?;
    let layout = Layout::new(&a, &session, "Kelas Pengembangan Kompetensi", "/kelas").await;
    Ok(render(ClassesPage {
        layout,
        rows: rows.iter().map(line).collect(),
        year,
        years: (this - 2..=this + 1).collect(),
        can_manage: a.can(Permission::ManageClasses),
        can_nominate: a.can(Permission::NominateTeam),
        total,
        page,
        pages: total.div_ceil(cakap_store::learning::classes::PAGE_SIZE).max(1),
    }))
}

#[derive(Deserialize, Default, Clone)]
pub struct ClassForm {
    #[serde(default)]
    pub plan_item_id: String,
    #[serde(default)]
    pub program_id: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub starts_on: String,
    #[serde(default)]
    pub ends_on: String,
    #[serde(default)]
    pub place: String,
    #[serde(default)]
    pub link: String,
    #[serde(default)]
    pub capacity: String,
    #[serde(default)]
    pub cost: String,
    #[serde(default)]
    pub self_register: Option<String>,
    #[serde(default)]
    pub waitlist_order: String,
    #[serde(default)]
    pub min_attendance: String,
    #[serde(default)]
    pub approval: String,
}

#[derive(Template)]
#[template(path = "learning/class_form.html")]
struct ClassFormPage {
    layout: Layout,
    form: ClassForm,
    errors: FormErrors,
    items: Vec<(String, String)>,
    programs: Vec<(String, String)>,
    orders: Vec<(&'static str, &'static str)>,
    approvals: Vec<(&'static str, &'static str)>,
}

#[derive(Deserialize, Default)]
pub struct NewQuery {
    pub butir: Option<String>,
}

async fn class_form(a: &Actor, session: &Session, form: ClassForm, errors: FormErrors) -> Result<Response> {
    let scope = a.scope()?;
    let cat = scope.plans()?.catalogue().await?;
    let items = scope
        .classes()?
        .approved_items()
        .await?
        .into_iter()
        .map(|i| {
            let name = cat.programs.iter().find(|p| p.id == i.program_id).map(|p| format!("{} {}", p.code, p.name)).unwrap_or_default();
            (i.id.to_string(), format!("{} · {} · triwulan {} · {} kelas, {} peserta", i.plan_title, name, i.quarter, i.classes, i.participants))
        })
        .collect();
    let programs = cat.programs.iter().filter(|p| p.active).map(|p| (p.id.to_string(), format!("{} {} ({} JP)", p.code, p.name, p.jp))).collect();
    let status = if errors.any() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    let layout = Layout::new(a, session, "Buat Kelas", "/kelas").await.crumbs(vec![("Kelas".into(), "/kelas".into()), ("Buat kelas".into(), String::new())]);
    Ok(render_status(
        status,
        ClassFormPage {
            layout,
            form,
            errors,
            items,
            programs,
            orders: WaitlistOrder::ALL.iter().map(|o| (o.code(), o.label())).collect(),
            approvals: Approval::ALL.iter().map(|o| (o.code(), o.label())).collect(),
        },
    ))
}

/// The new-class form; `?butir=` starts from an approved plan item (its program, a title, the
/// program's capacity, a cost share).
pub async fn view_class_new_get(session: Session, a: Actor, Query(q): Query<NewQuery>) -> Result<Response> {
    a.require(Permission::ManageClasses)?;
    let scope = a.scope()?;
    let mut form = ClassForm {
        waitlist_order: WaitlistOrder::FirstCome.code().into(),
        approval: Approval::None.code().into(),
        min_attendance: cakap_domain::learning::attendance::DEFAULT_MIN_ATTENDANCE_PERCENT.to_string(),
        ..Default::default()
    };
    if let Some(item) = crate::params::opt_id(&q.butir) {
        let items = scope.classes()?.approved_items().await?;
        let it = items.iter().find(|i| i.id == item).ok_or(AppError::NotFound)?;
        let cat = scope.plans()?.catalogue().await?;
        let p = cat.programs.iter().find(|p| p.id == it.program_id).ok_or(AppError::NotFound)?;
        form.plan_item_id = it.id.to_string();
        form.program_id = p.id.to_string();
        form.title = format!("{} Angkatan {}", p.name, 1);
        form.capacity = p.capacity.to_string();
        form.cost = (it.budget / i64::from(it.classes.max(1))).to_string();
    }
    class_form(&a, &session, form, FormErrors::default()).await
}

fn class_input(f: &ClassForm) -> std::result::Result<OfferingInput, FormErrors> {
    let mut errs = vec![];
    let starts_on = crate::view::required_date(&f.starts_on, "starts_on", "tanggal mulai", &mut errs);
    let ends_on = crate::view::required_date(&f.ends_on, "ends_on", "tanggal selesai", &mut errs);
    let mut num = |s: &str, field: &'static str, msg: &str| -> i64 {
        let t = s.trim().replace('.', "");
        if t.is_empty() {
            return 0;
        }
        t.parse::<i64>().unwrap_or_else(|_| {
            errs.push(cakap_domain::FieldError::new(field, msg));
            0
        })
    };
    let capacity = num(&f.capacity, "capacity", "kapasitas harus bilangan bulat 1–1.000");
    let cost = num(&f.cost, "cost", "biaya harus bilangan bulat dalam rupiah");
    let min_attendance = num(&f.min_attendance, "min_attendance", "syarat kehadiran harus bilangan bulat 0–100");
    let program_id = crate::params::opt_id(&Some(f.program_id.clone()));
    if program_id.is_none() {
        errs.push(cakap_domain::FieldError::new("program_id", "pilih program"));
    }
    let waitlist_order = WaitlistOrder::from_code(&f.waitlist_order).unwrap_or_else(|| {
        errs.push(cakap_domain::FieldError::new("waitlist_order", "pilih urutan daftar tunggu"));
        WaitlistOrder::FirstCome
    });
    let approval = Approval::from_code(&f.approval).unwrap_or_else(|| {
        errs.push(cakap_domain::FieldError::new("approval", "pilih persetujuan yang diperlukan"));
        Approval::None
    });
    let (Some(starts_on), Some(ends_on), Some(program_id), true) = (starts_on, ends_on, program_id, errs.is_empty()) else { return Err(FormErrors(errs)) };
    Ok(OfferingInput {
        program_id,
        plan_item_id: crate::params::opt_id(&Some(f.plan_item_id.clone())),
        title: f.title.clone(),
        starts_on,
        ends_on,
        place: f.place.clone(),
        link: f.link.clone(),
        capacity: i32::try_from(capacity).unwrap_or(i32::MAX),
        cost,
        self_register: f.self_register.is_some(),
        waitlist_order,
        min_attendance: u8::try_from(min_attendance.clamp(0, 255)).unwrap_or(u8::MAX),
        approval,
    })
}

pub async fn view_class_new_post(session: Session, a: Actor, Form(f): Form<ClassForm>) -> Result<Response> {
    a.require(Permission::ManageClasses)?;
    let input = match class_input(&f) {
        Ok(i) => i,
        Err(errs) => return class_form(&a, &session, f, errs).await,
    };
    let res = a.scope()?.classes()?.create(&input).await;
    crate::pages::saved_or_again(&session, res, |id| format!("/kelas/{id}"), |errs| class_form(&a, &session, f.clone(), errs)).await
}

/// A session as the class page lists it.
pub struct SessionLine {
    pub id: i64,
    pub when: String,
    pub place: String,
    pub present: u32,
    pub open_now: bool,
}

/// A participant as the class page lists them.
pub struct PersonLine {
    pub enrollment_id: i64,
    pub nip: String,
    pub name: String,
    pub status: &'static str,
    pub status_code: &'static str,
    pub nominator: &'static str,
    pub reason: String,
    pub attended: String,
    pub may_withdraw: bool,
    /// The approval this user may give now, if any.
    pub may_approve: bool,
    pub certificate: Option<(i64, String, bool)>,
}

pub struct ClashLine {
    pub who: String,
    pub when: String,
    pub other_id: i64,
    pub other: String,
}

#[derive(Template)]
#[template(path = "learning/class.html")]
struct ClassPage {
    layout: Layout,
    c: ClassLine,
    row: OfferingRow,
    approval: &'static str,
    order: &'static str,
    cost: String,
    sessions: Vec<SessionLine>,
    instructors: Vec<(String, String)>,
    clashes: Vec<ClashLine>,
    people: Vec<PersonLine>,
    manage: bool,
    team: bool,
    runs_attendance: bool,
    may_register: bool,
    accounts: Vec<(String, String)>,
    errors: FormErrors,
    completed_without_certificate: usize,
    reservations: Vec<(String, u32, u32)>,
    /// Units this user may hold seats for.
    reserve_units: Vec<(String, String)>,
    /// The atasan's staff not yet in the class, to pick from.
    staff: Vec<(String, String)>,
}

pub async fn view_class_get(session: Session, a: Actor, Path(id): Path<i64>) -> Result<Response> {
    let scope = a.scope()?;
    let view = scope.class(id).await?;
    class_page(&a, &session, &view, FormErrors::default()).await
}

async fn class_page(a: &Actor, session: &Session, view: &ClassView<'_>, errors: FormErrors) -> Result<Response> {
    let scope = a.scope()?;
    let manage = view.reach == ClassReach::All;
    let team = matches!(view.reach, ClassReach::Team(_));
    let now = time::OffsetDateTime::now_utc();
    let sessions = view
        .meetings()
        .await?
        .into_iter()
        .map(|m| SessionLine {
            id: m.id,
            when: format!("{} – {}", a.zone.datetime(m.starts_at), clock(m.ends_at, a.zone)),
            place: m.place,
            present: m.present,
            open_now: cakap_domain::learning::attendance::checkin_open(now, m.starts_at, m.ends_at),
        })
        .collect::<Vec<_>>();
    let n_sessions = sessions.len();
    let instructors = view.instructors().await?.into_iter().map(|i| (i.name, i.organisation)).collect();
    let clashes = if manage {
        scope
            .classes()?
            .clashes(view.row.id)
            .await?
            .into_iter()
            .map(|c| ClashLine { who: c.who, when: a.zone.datetime(c.starts_at), other_id: c.other_offering_id, other: c.other_title })
            .collect()
    } else {
        vec![]
    };
    let approval = view.row.approval;
    let people: Vec<PersonLine> = view
        .participants()
        .await?
        .into_iter()
        .map(|p| PersonLine {
            enrollment_id: p.enrollment_id,
            nip: crate::view::nip(&p.nip),
            name: p.name,
            status: p.status.label(),
            status_code: p.status.code(),
            nominator: p.nominator.label(),
            reason: p.reason,
            attended: if n_sessions == 0 { "—".into() } else { format!("{} dari {n_sessions}", p.attended) },
            // The instructor marks attendance; withdrawals are BKPSDM's, the atasan's and the
            // learner's (the store decides again).
            may_withdraw: p.status.may_withdraw() && !matches!(view.reach, ClassReach::Teaching),
            may_approve: (manage && p.status == EnrollmentStatus::Approved) || (team && p.status == EnrollmentStatus::Nominated),
            certificate: p.certificate,
        })
        .collect();
    let completed_without_certificate = people.iter().filter(|p| p.status_code == EnrollmentStatus::Completed.code() && p.certificate.is_none()).count();
    let may_register = matches!(view.reach, ClassReach::Own(_)) && view.row.self_register && view.row.status == OfferingStatus::Open && people.is_empty();
    let staff: Vec<(String, String)> = if team && view.row.status == OfferingStatus::Open {
        let in_class: Vec<i64> = people_ids(view).await?;
        scope
            .employees()?
            .list(&Default::default(), 1, STAFF_PICKER_MAX)
            .await?
            .items
            .into_iter()
            .filter(|e| !in_class.contains(&e.id))
            .map(|e| (e.id.to_string(), format!("{} · {}", e.name, crate::view::nip(&e.nip))))
            .collect()
    } else {
        vec![]
    };
    let reservations = view.reservations().await?.into_iter().map(|r| (r.unit_name, r.seats, r.used)).collect();
    let reserve_units: Vec<(String, String)> = if view.row.status != OfferingStatus::Open {
        vec![]
    } else if manage {
        scope.units()?.list().await?.into_iter().filter(|u| u.active).map(|u| (u.id.to_string(), u.name)).collect()
    } else if team {
        scope.team_learning()?.units().await?.into_iter().map(|(id, n)| (id.to_string(), n)).collect()
    } else {
        vec![]
    };
    let accounts = if manage { scope.classes()?.instructor_accounts().await?.into_iter().map(|(id, n)| (id.to_string(), n)).collect() } else { vec![] };
    let back = if manage || team || view.reach == ClassReach::Teaching {
        ("Kelas".to_string(), "/kelas".to_string())
    } else {
        ("Kelas Saya".into(), "/kelas-saya".into())
    };
    let current = if back.1 == "/kelas" { "/kelas" } else { "/kelas-saya" };
    let layout = Layout::new(a, session, view.row.title.clone(), current).await.crumbs(vec![back, (view.row.title.clone(), String::new())]);
    let status = if errors.any() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    Ok(render_status(
        status,
        ClassPage {
            layout,
            c: line(&view.row),
            approval: approval.label(),
            order: view.row.waitlist_order.label(),
            cost: format!("Rp {}", cakap_domain::format::int(view.row.cost)),
            row: view.row.clone(),
            sessions,
            instructors,
            clashes,
            people,
            manage,
            team,
            runs_attendance: view.runs_attendance(),
            may_register,
            accounts,
            errors,
            completed_without_certificate,
            reservations,
            reserve_units,
            staff,
        },
    ))
}

/// Who is in the class already (any status), as the user may see them.
async fn people_ids(view: &ClassView<'_>) -> Result<Vec<i64>> {
    Ok(view.participants().await?.into_iter().map(|p| p.employee_id).collect())
}

#[derive(Deserialize, Default)]
pub struct ReserveForm {
    #[serde(default)]
    pub unit_id: String,
    #[serde(default)]
    pub seats: String,
}

/// Holds seats for a unit (BKPSDM any unit; the atasan theirs); 0 removes the hold.
pub async fn view_reserve_post(session: Session, a: Actor, Path(id): Path<i64>, Form(f): Form<ReserveForm>) -> Result<Response> {
    let scope = a.scope()?;
    let view = scope.class(id).await?;
    let unit = crate::params::opt_id(&Some(f.unit_id.clone()));
    let seats = f.seats.trim().parse::<u32>().ok().filter(|n| *n <= cakap_store::learning::classes::MAX_CAPACITY as u32);
    let (Some(unit), Some(seats)) = (unit, seats) else {
        let errs = vec![cakap_domain::FieldError::new("seats", "pilih unit dan isi jumlah kursi 0–1.000")];
        return class_page(&a, &session, &view, FormErrors(errs)).await;
    };
    let res = match view.reach {
        ClassReach::All => scope.classes()?.reserve(id, unit, seats).await,
        ClassReach::Team(_) => scope.team_learning()?.reserve(id, unit, seats).await,
        _ => return Err(AppError::Forbidden),
    };
    acted(
        &session,
        res,
        |_| if seats == 0 { "Pesanan kursi dibatalkan.".into() } else { format!("{seats} kursi dipesan untuk unit.") },
        &format!("/kelas/{id}"),
    )
    .await
}

/// "12:00" in the zone.
pub fn clock(t: time::OffsetDateTime, zone: cakap_domain::Zone) -> String {
    let l = t.to_offset(zone.offset());
    format!("{:02}:{:02}", l.hour(), l.minute())
}

/// The end of a button's post: a message on the page the user returns to, saying what
/// happened or why it was refused (a refusal is not an error page: the user acts again).
pub async fn acted<T>(
    session: &Session,
    result: std::result::Result<T, cakap_store::StoreError>,
    done: impl FnOnce(T) -> String,
    to: &str,
) -> Result<Response> {
    match result {
        Ok(v) => crate::view::flash(session, &done(v)).await,
        Err(cakap_store::StoreError::Invalid(errs)) => {
            let why = errs.iter().map(|e| e.message.as_str()).collect::<Vec<_>>().join("; ");
            crate::view::flash(session, &format!("Tidak dapat diproses: {why}.")).await
        }
        Err(cakap_store::StoreError::Conflict(_, why)) => crate::view::flash(session, &format!("Tidak dapat diproses: {why}.")).await,
        Err(e) => return Err(e.into()),
    }
    Ok(see_other(to))
}

#[derive(Deserialize, Default)]
pub struct SessionForm {
    #[serde(default)]
    pub date: String,
    #[serde(default)]
    pub start: String,
    #[serde(default)]
    pub end: String,
    #[serde(default)]
    pub place: String,
}

/// "08:30" → (8, 30).
fn hhmm(s: &str) -> Option<time::Time> {
    let (h, m) = s.trim().split_once([':', '.'])?;
    time::Time::from_hms(h.parse().ok()?, m.parse().ok()?, 0).ok()
}

pub async fn view_session_new_post(session: Session, a: Actor, Path(id): Path<i64>, Form(f): Form<SessionForm>) -> Result<Response> {
    let scope = a.scope()?;
    let classes = scope.classes()?;
    let view = scope.class(id).await?;
    let mut errs = vec![];
    let date = crate::view::required_date(&f.date, "date", "tanggal sesi", &mut errs);
    let (start, end) = (hhmm(&f.start), hhmm(&f.end));
    if start.is_none() {
        errs.push(cakap_domain::FieldError::new("start", "jam mulai wajib diisi seperti 08:00"));
    }
    if end.is_none() {
        errs.push(cakap_domain::FieldError::new("end", "jam selesai wajib diisi seperti 12:00"));
    }
    let (Some(d), Some(s), Some(e), true) = (date, start, end, errs.is_empty()) else { return class_page(&a, &session, &view, FormErrors(errs)).await };
    let at = |t: time::Time| time::PrimitiveDateTime::new(d, t).assume_offset(a.zone.offset());
    match classes.add_meeting(id, at(s), at(e), &f.place).await {
        Ok(_) => {
            crate::view::flash(&session, "Sesi ditambahkan.").await;
            Ok(see_other(&format!("/kelas/{id}")))
        }
        Err(cakap_store::StoreError::Invalid(errs)) => class_page(&a, &session, &view, FormErrors(errs)).await,
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize, Default)]
pub struct InstructorForm {
    #[serde(default)]
    pub user_id: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub organisation: String,
}

pub async fn view_instructor_new_post(session: Session, a: Actor, Path(id): Path<i64>, Form(f): Form<InstructorForm>) -> Result<Response> {
    let scope = a.scope()?;
    let res = scope.classes()?.add_instructor(id, crate::params::opt_id(&Some(f.user_id.clone())), &f.name, &f.organisation).await;
    match res {
        Ok(_) => {
            crate::view::flash(&session, "Instruktur ditambahkan.").await;
            Ok(see_other(&format!("/kelas/{id}")))
        }
        Err(cakap_store::StoreError::Invalid(errs)) => {
            let view = scope.class(id).await?;
            class_page(&a, &session, &view, FormErrors(errs)).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize, Default)]
pub struct NominateForm {
    #[serde(default)]
    pub nip: String,
    /// The atasan picks from their staff instead of typing a NIP.
    #[serde(default)]
    pub employee_id: String,
}

/// Most staff an atasan's picker lists (a larger unit types the NIP).
const STAFF_PICKER_MAX: u64 = 300;

/// Nominates by NIP: BKPSDM anyone of the tenant, the atasan their own staff.
pub async fn view_nominate_post(session: Session, a: Actor, Path(id): Path<i64>, Form(f): Form<NominateForm>) -> Result<Response> {
    let scope = a.scope()?;
    let view = scope.class(id).await?;
    let nip: String = f.nip.chars().filter(char::is_ascii_digit).collect();
    let found = match crate::params::opt_id(&Some(f.employee_id.clone())) {
        Some(e) => scope.employees()?.get(e).await.ok(),
        None if nip.len() == 18 || nip.len() == 16 => scope.employees()?.by_nip(&nip).await?,
        None => None,
    };
    let Some(emp) = found else {
        let errs = vec![cakap_domain::FieldError::new("nip", "NIP tidak ditemukan di antara pegawai yang dapat Anda usulkan")];
        return class_page(&a, &session, &view, FormErrors(errs)).await;
    };
    let res = match view.reach {
        ClassReach::All => scope.classes()?.enroll(id, emp.id).await,
        ClassReach::Team(_) => scope.team_learning()?.nominate(id, emp.id).await,
        _ => return Err(AppError::Forbidden),
    };
    let name = emp.name.clone();
    acted(&session, res, |st| format!("{name} diusulkan: {}.", st.label().to_lowercase()), &format!("/kelas/{id}")).await
}

/// Self-registration in a class that allows it.
pub async fn view_register_post(session: Session, a: Actor, Path(id): Path<i64>) -> Result<Response> {
    let scope = a.scope()?;
    scope.class(id).await?;
    let res = scope.learner()?.register(id).await;
    acted(&session, res, |st| format!("Pendaftaran tercatat: {}.", st.label().to_lowercase()), &format!("/kelas/{id}")).await
}

/// Closes the class by its attendance rule.
pub async fn view_close_post(session: Session, a: Actor, Path(id): Path<i64>) -> Result<Response> {
    let res = a.scope()?.classes()?.close(id).await;
    acted(&session, res, |(done, failed)| format!("Kelas ditutup: {done} peserta selesai, {failed} tidak memenuhi syarat kehadiran."), &format!("/kelas/{id}"))
        .await
}

/// Issues the certificates of every completed participant who has none.
pub async fn view_certificates_post(session: Session, a: Actor, Path(id): Path<i64>) -> Result<Response> {
    let res = a.scope()?.classes()?.issue_all(id).await;
    acted(&session, res, |n| format!("{n} sertifikat diterbitkan."), &format!("/kelas/{id}")).await
}

/// Approves a nomination at the stage the user gives (BKPSDM, or the atasan of their staff).
pub async fn view_approve_post(session: Session, a: Actor, Path(enrollment_id): Path<i64>, Form(f): Form<BackForm>) -> Result<Response> {
    let res = a.scope()?.approve_enrollment(enrollment_id).await;
    if matches!(res, Err(cakap_store::StoreError::NotFound)) {
        return Err(AppError::NotFound);
    }
    acted(&session, res, |st| format!("Usulan disetujui: {}.", st.label().to_lowercase()), &f.back()).await
}

#[derive(Deserialize, Default)]
pub struct BackForm {
    #[serde(default)]
    pub back: String,
    #[serde(default)]
    pub reason: String,
}

impl BackForm {
    /// Where to return: a path of Cakap's own, else the list.
    pub fn back(&self) -> String {
        let b = self.back.trim();
        if b.starts_with('/') && !b.starts_with("//") && b.len() <= 200 && !b.contains(['\\', '\r', '\n']) { b.to_string() } else { "/kelas".into() }
    }
}

/// Withdraws (or turns down) an enrollment with a reason: BKPSDM anyone, the atasan their
/// staff, the learner themself.
pub async fn view_withdraw_post(session: Session, a: Actor, Path(enrollment_id): Path<i64>, Form(f): Form<BackForm>) -> Result<Response> {
    let res = a.scope()?.withdraw_enrollment(enrollment_id, &f.reason).await;
    if matches!(res, Err(cakap_store::StoreError::NotFound)) {
        return Err(AppError::NotFound);
    }
    acted(
        &session,
        res,
        |promoted| {
            if promoted.is_some() { "Pengunduran diri tercatat; peserta berikutnya di daftar tunggu naik.".into() } else { "Pengunduran diri tercatat.".into() }
        },
        &f.back(),
    )
    .await
}

pub struct PendingLine {
    pub enrollment_id: i64,
    pub class_id: i64,
    pub class: String,
    pub dates: String,
    pub nip: String,
    pub name: String,
    pub nominator: &'static str,
}

/// External learning waiting for a decision.
pub struct RecordLine {
    pub id: i64,
    pub nip: String,
    pub name: String,
    pub title: String,
    pub organiser: String,
    pub dates: String,
    pub jp: u32,
    pub evidence: String,
}

#[derive(Template)]
#[template(path = "learning/approvals.html")]
struct ApprovalsPage {
    layout: Layout,
    rows: Vec<PendingLine>,
    records: Vec<RecordLine>,
    bkpsdm: bool,
}

/// What waits for this user's approval: the atasan's staff, or BKPSDM's second stage.
pub async fn view_approvals_get(session: Session, a: Actor) -> Result<Response> {
    let scope = a.scope()?;
    let (list, bkpsdm) =
        if a.can(Permission::ManageClasses) { (scope.awaiting_bkpsdm().await?, true) } else { (scope.team_learning()?.pending().await?, false) };
    let rows = list
        .into_iter()
        .map(|(o, p)| PendingLine {
            enrollment_id: p.enrollment_id,
            class_id: o.id,
            dates: dates(&o),
            class: o.title,
            nip: crate::view::nip(&p.nip),
            name: p.name,
            nominator: p.nominator.label(),
        })
        .collect();
    let records = scope
        .records_awaiting()
        .await?
        .into_iter()
        .map(|(r, name, nip)| RecordLine {
            id: r.id,
            nip: crate::view::nip(&nip),
            name,
            dates: format!("{} s.d. {}", cakap_domain::format::date_short(r.input.started_on), cakap_domain::format::date_short(r.input.ended_on)),
            title: r.input.title,
            organiser: r.input.organiser,
            jp: r.input.jp,
            evidence: r.evidence_name,
        })
        .collect();
    let layout = Layout::new(&a, &session, "Usulan Menunggu Persetujuan", "/kelas").await;
    Ok(render(ApprovalsPage { layout, rows, records, bkpsdm }))
}
