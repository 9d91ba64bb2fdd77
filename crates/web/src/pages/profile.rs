//! The user's own profile: API tokens and password.

use crate::params::Form;
use crate::params::Path;
use askama::Template;
use axum::extract::State;
use axum::response::Response;
use serde::Deserialize;
use tower_sessions::Session;

use super::{render, see_other};
use crate::AppState;
use crate::auth::Actor;
use crate::error::Result;
use crate::view::{self, Layout, flash};

#[derive(Template)]
#[template(path = "profile.html")]
struct ProfilePage {
    layout: Layout,
    /// (id, name, created, last write, status, scope, expires)
    tokens: Vec<(i64, String, String, String, &'static str, &'static str, String)>,
    scopes: Vec<(&'static str, &'static str)>,
    new_token: String,
    error: String,
    /// The shortest new password this user may choose (8 with a second factor, else 15).
    min_password: usize,
}

async fn page(s: &AppState, session: &Session, a: &Actor, new_token: String, error: String) -> Result<Response> {
    let tokens = a
        .account(&s.store)?
        .tokens()
        .await?
        .into_iter()
        .map(|t| {
            let expired = t.expires_at.is_some_and(|e| e < time::OffsetDateTime::now_utc());
            let status = if t.revoked {
                "Dicabut"
            } else if expired {
                "Kedaluwarsa"
            } else {
                "Aktif"
            };
            let expires = t.expires_at.map(|d| view::datetime(&d, a.zone)).unwrap_or_else(|| "-".into());
            (
                t.id,
                t.name,
                view::datetime(&t.created_at, a.zone),
                t.last_used_at.map(|d| view::datetime(&d, a.zone)).unwrap_or_else(|| "-".into()),
                status,
                t.scope.label(),
                expires,
            )
        })
        .collect();
    let scopes = cakap_domain::TokenScope::ALL.iter().map(|s| (s.code(), s.label())).collect();
    let second = a.account(&s.store)?.second_factor().await?.enabled_at.is_some();
    let min_password = cakap_domain::password::min_len(second);
    let layout = Layout::new(a, session, "Profil", "/profil").await;
    Ok(render(ProfilePage { layout, tokens, scopes, new_token, error, min_password }))
}

pub async fn view_profile_get(State(s): State<AppState>, session: Session, a: Actor) -> Result<Response> {
    page(&s, &session, &a, String::new(), String::new()).await
}

#[derive(Deserialize)]
pub struct TokenForm {
    name: String,
    #[serde(default)]
    days: String,
    #[serde(default)]
    scope: String,
}

pub async fn view_token_post(State(s): State<AppState>, session: Session, a: Actor, Form(f): Form<TokenForm>) -> Result<Response> {
    let days = match f.days.trim() {
        "" => None,
        d => Some(d.parse::<i64>().unwrap_or(0)),
    };
    let scope = cakap_domain::TokenScope::from_code(&f.scope).unwrap_or(cakap_domain::TokenScope::Read);
    match a.account(&s.store)?.create_token(&f.name, days, scope).await {
        Ok(secret) => page(&s, &session, &a, secret, String::new()).await,
        Err(cakap_store::StoreError::Invalid(e)) => page(&s, &session, &a, String::new(), e[0].message.clone()).await,
        Err(e) => Err(e.into()),
    }
}

pub async fn view_token_revoke_post(State(s): State<AppState>, session: Session, a: Actor, Path(id): Path<i64>) -> Result<Response> {
    a.account(&s.store)?.revoke_token(id).await?;
    flash(&session, "Token dicabut.").await;
    Ok(see_other("/profil"))
}

#[derive(Deserialize)]
pub struct PasswordForm {
    old: String,
    new: String,
}

pub async fn view_password_post(
    State(s): State<AppState>,
    session: Session,
    a: Actor,
    super::home::ClientIp(ip): super::home::ClientIp,
    Form(f): Form<PasswordForm>,
) -> Result<Response> {
    let this = session.id().map(|id| id.to_string());
    match a.account(&s.store)?.change_password(&f.old, &f.new, this.as_deref(), &ip).await {
        Ok(()) => {
            flash(&session, "Kata sandi berhasil diubah.").await;
            Ok(see_other("/profil"))
        }
        Err(cakap_store::StoreError::Invalid(e)) => page(&s, &session, &a, String::new(), e[0].message.clone()).await,
        Err(e) => Err(e.into()),
    }
}
