use std::collections::HashMap;

use crate::params::Form;
use crate::params::{Path, Query};
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use cakap_domain::{Permission, Role};
use cakap_store::users::{self, RoleGrant, UserForCreate, UserWithRoles};
use serde::Deserialize;
use tower_sessions::Session;

use crate::AppState;
use crate::auth::Actor;
use crate::error::{AppError, Result};
use crate::pages::{render, render_status, see_other};
use crate::view::{FormErrors, Layout, flash};

#[derive(Deserialize, Default)]
pub struct ListQuery {
    #[serde(default)]
    q: String,
    page: Option<u64>,
}

const PER_PAGE: u64 = 25;

#[derive(Template)]
#[template(path = "org/users.html")]
struct ListPage {
    layout: Layout,
    q: String,
    /// (id, login, name, roles, active, has a second factor)
    rows: Vec<(i64, String, String, String, bool, bool)>,
    total: u64,
    page: u64,
    pages: u64,
    prev_q: String,
    next_q: String,
}

pub async fn view_users_get(session: Session, a: Actor, Query(q): Query<ListQuery>) -> Result<Response> {
    let page_no = crate::params::page(q.page);
    let admin = a.scope()?.user_admin()?;
    let page = admin.list(Some(&q.q), page_no, PER_PAGE).await?;
    let pages = page.pages();
    let with_second = admin.second_factor_of(&page.items.iter().map(|u| u.user.id).collect::<Vec<_>>()).await?;
    let rows = page
        .items
        .into_iter()
        .map(|u| {
            let two = with_second.contains(&u.user.id);
            (u.user.id, u.user.login, u.user.name, u.roles.iter().map(|r| r.role.label()).collect::<Vec<_>>().join(", "), u.user.active, two)
        })
        .collect();
    let layout = Layout::new(&a, &session, "Pengguna", "/organisasi/pengguna").await;
    let keep = [("q", q.q.clone())];
    Ok(render(ListPage {
        layout,
        q: q.q,
        rows,
        total: page.total,
        page: page_no,
        pages,
        prev_q: crate::view::page_query(&keep, page_no.saturating_sub(1)),
        next_q: crate::view::page_query(&keep, page_no + 1),
    }))
}

#[derive(Template)]
#[template(path = "org/user_form.html")]
struct FormPage {
    layout: Layout,
    is_new: bool,
    user_id: i64,
    second_factor: bool,
    login: String,
    name: String,
    employee_nip: String,
    roles: Vec<(&'static str, &'static str, bool)>,
    units: Vec<(i64, String)>,
    supervisor_unit: Option<i64>,
    active: bool,
    errors: FormErrors,
}

/// The form posts `role_<code>=1` per checked role, `supervisor_unit`, and the rest.
fn grants_from(form: &HashMap<String, String>) -> Vec<RoleGrant> {
    let unit = form.get("supervisor_unit").and_then(|v| v.parse().ok());
    Role::ALL
        .iter()
        .filter(|r| r.assignable_by_tenant_admin() && form.get(&format!("role_{}", r.code())).is_some())
        .map(|r| RoleGrant { role: *r, unit_id: if *r == Role::Supervisor { unit } else { None } })
        .collect()
}

struct FormState {
    is_new: bool,
    /// The user being edited (0 for a new one) and whether they have a second factor.
    user_id: i64,
    second_factor: bool,
    login: String,
    name: String,
    employee_nip: String,
    grants: Vec<RoleGrant>,
    active: bool,
}

impl FormState {
    /// The form of an existing user, with the roles and status to show.
    async fn existing(admin: &cakap_store::users::UserAdmin<'_>, u: &users::UserView, grants: Vec<RoleGrant>, active: bool) -> Result<FormState> {
        let second_factor = admin.second_factor_of(&[u.id]).await?.contains(&u.id);
        Ok(FormState { is_new: false, user_id: u.id, second_factor, login: u.login.clone(), name: u.name.clone(), employee_nip: String::new(), grants, active })
    }
}

async fn form_page(s: &AppState, session: &Session, a: &Actor, title: &str, st: FormState, errors: FormErrors) -> Result<Response> {
    let units = s.cache.units(a.scope()?).await?.iter().filter(|u| u.active).map(|u| (u.id, u.label())).collect();
    let roles = Role::ALL.iter().filter(|r| r.assignable_by_tenant_admin()).map(|r| (r.code(), r.label(), st.grants.iter().any(|g| g.role == *r))).collect();
    let supervisor_unit = st.grants.iter().find(|g| g.role == Role::Supervisor).and_then(|g| g.unit_id);
    let layout = Layout::new(a, session, title, "/organisasi/pengguna").await;
    let status = if errors.any() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    Ok(render_status(
        status,
        FormPage {
            layout,
            is_new: st.is_new,
            user_id: st.user_id,
            second_factor: st.second_factor,
            login: st.login,
            name: st.name,
            employee_nip: st.employee_nip,
            roles,
            units,
            supervisor_unit,
            active: st.active,
            errors,
        },
    ))
}

pub async fn view_user_new_get(State(s): State<AppState>, session: Session, a: Actor) -> Result<Response> {
    a.require(Permission::ManageUsers)?;
    let st = FormState {
        is_new: true,
        user_id: 0,
        second_factor: false,
        login: String::new(),
        name: String::new(),
        employee_nip: String::new(),
        grants: vec![RoleGrant { role: Role::Employee, unit_id: None }],
        active: true,
    };
    form_page(&s, &session, &a, "Tambah Pengguna", st, FormErrors::default()).await
}

pub async fn view_user_new_post(State(s): State<AppState>, session: Session, a: Actor, Form(f): Form<HashMap<String, String>>) -> Result<Response> {
    let scope = a.scope()?;
    let admin = scope.user_admin()?;
    let get = |k: &str| f.get(k).cloned().unwrap_or_default();
    let grants = grants_from(&f);
    let nip: String = get("employee_nip").chars().filter(|c| !c.is_whitespace()).collect();
    let mut employee_id = None;
    let mut pre_errors = vec![];
    if !nip.is_empty() {
        match scope.employees()?.by_nip(&nip).await? {
            Some(e) => employee_id = Some(e.id),
            None => pre_errors.push(cakap_domain::FieldError::new("employee_id", "pegawai dengan NIP ini tidak ditemukan")),
        }
    }
    let input = UserForCreate { login: get("login"), name: get("name"), password: get("password"), employee_id, roles: grants.clone() };
    let st = FormState {
        is_new: true,
        user_id: 0,
        second_factor: false,
        login: input.login.clone(),
        name: input.name.clone(),
        employee_nip: nip,
        grants,
        active: true,
    };
    if !pre_errors.is_empty() {
        return form_page(&s, &session, &a, "Tambah Pengguna", st, FormErrors(pre_errors)).await;
    }
    match admin.create(&input).await {
        Ok(_) => {
            flash(&session, "Data berhasil disimpan.").await;
            Ok(see_other("/organisasi/pengguna"))
        }
        Err(e) => match AppError::from(e) {
            AppError::Invalid(errs) => form_page(&s, &session, &a, "Tambah Pengguna", st, FormErrors(errs)).await,
            other => Err(other),
        },
    }
}

pub async fn view_user_get(State(s): State<AppState>, session: Session, a: Actor, Path(id): Path<i64>) -> Result<Response> {
    let admin = a.scope()?.user_admin()?;
    let UserWithRoles { user: u, roles: grants } = admin.get(id).await?;
    let st = FormState::existing(&admin, &u, grants, u.active).await?;
    form_page(&s, &session, &a, &format!("Pengguna: {}", u.login), st, FormErrors::default()).await
}

pub async fn view_user_post(
    State(s): State<AppState>,
    session: Session,
    a: Actor,
    Path(id): Path<i64>,
    Form(f): Form<HashMap<String, String>>,
) -> Result<Response> {
    let admin = a.scope()?.user_admin()?;
    let u = admin.get(id).await?.user;
    let grants = grants_from(&f);
    let active = f.get("active").map(|v| v == "true").unwrap_or(u.active);
    let password = f.get("password").cloned().unwrap_or_default();
    let st = FormState::existing(&admin, &u, grants.clone(), active).await?;
    let change = users::UserUpdate { roles: grants.clone(), active: Some(active), password: Some(password) };
    let result = admin.update(id, &change).await;
    match result {
        Ok(()) => {
            flash(&session, "Data berhasil disimpan.").await;
            Ok(see_other("/organisasi/pengguna"))
        }
        Err(e) => match AppError::from(e) {
            AppError::Invalid(errs) => form_page(&s, &session, &a, &format!("Pengguna: {}", u.login), st, FormErrors(errs)).await,
            other => Err(other),
        },
    }
}
