//! The second factor: TOTP enrolment, the code step of a login, and recovery codes.
//!
//! A secret is made by the server ([`new_secret`]) and shown on the enrolment page; it is stored
//! only when the user proves their app has it by typing a code. A code is good once (the last
//! accepted time step is kept) and within one step of the server's clock either way. Recovery
//! codes are stored as SHA-256 (they carry ~49.5 random bits; see `domain::second_factor`) and
//! each works once.

use cakap_domain::audit::AuditEntity;
use cakap_domain::second_factor::{self as sf, CodeInput};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, Set};
use sha2::{Digest, Sha256};
use totp_rs::{Algorithm, Secret, TOTP};

use crate::Store;
use crate::audit::{self, Ctx};
use crate::entity::{app_user, recovery_code, user_totp};
use crate::error::{Result, StoreError};
use crate::ids::next_id;
use crate::users::LoginError;

const STEP: u64 = 30;
const SECRET_BYTES: usize = 20;

/// A fresh TOTP secret (160 random bits, RFC 4226's recommended length), base32 as apps take it.
pub fn new_secret() -> String {
    match Secret::Raw(rand::random::<[u8; SECRET_BYTES]>().to_vec()).to_encoded() {
        Secret::Encoded(s) => s,
        Secret::Raw(_) => unreachable!("to_encoded returns Encoded"),
    }
}

/// The `otpauth://` address an authenticator app reads from the enrolment QR code.
pub fn otpauth_url(secret: &str, issuer: &str, login: &str) -> String {
    let enc = |s: &str| -> String {
        s.bytes().map(|b| if b.is_ascii_alphanumeric() || b"-._~".contains(&b) { (b as char).to_string() } else { format!("%{b:02X}") }).collect()
    };
    format!("otpauth://totp/{}:{}?secret={secret}&issuer={}&algorithm=SHA1&digits=6&period={STEP}", enc(issuer), enc(login), enc(issuer))
}

/// The secret's bytes when it is one this server could have made (base32 of 20 bytes): a
/// secret sent back by the enrolment form is never trusted further than that.
fn secret_bytes(secret: &str) -> Option<Vec<u8>> {
    if secret.len() > 64 {
        return None;
    }
    Secret::Encoded(secret.trim().to_ascii_uppercase()).to_bytes().ok().filter(|b| b.len() == SECRET_BYTES)
}

fn totp(secret: Vec<u8>) -> TOTP {
    TOTP::new_unchecked(Algorithm::SHA1, 6, 1, STEP, secret)
}

fn unix_now() -> u64 {
    crate::now().unix_timestamp().max(0) as u64
}

/// The time step at which `code` is right for `secret`, trying the current step and one either
/// side (clock drift), newest first; None when it matches none.
fn matching_step(secret: Vec<u8>, code: &str, now: u64) -> Option<u64> {
    let t = totp(secret);
    let step = now / STEP;
    [step + 1, step, step.saturating_sub(1)].into_iter().find(|s| crate::users::constant_time_eq(t.generate(s * STEP).as_bytes(), code.as_bytes()))
}

/// The current code of a secret (tests and the CLI's demo helper type it as an app would).
pub fn current_code(secret: &str) -> Option<String> {
    secret_bytes(secret).map(|b| totp(b).generate(unix_now()))
}

fn code_hash(code: &str) -> String {
    hex::encode(Sha256::digest(code.as_bytes()))
}

/// Writes a new set of recovery codes for `user_id` (the old ones are deleted) and returns
/// them as shown to the user, once.
async fn new_recovery_codes<C: ConnectionTrait>(db: &C, user_id: i64) -> Result<Vec<String>> {
    recovery_code::Entity::delete_many().filter(recovery_code::Column::UserId.eq(user_id)).exec(db).await?;
    let mut shown = Vec::with_capacity(sf::RECOVERY_CODES);
    for _ in 0..sf::RECOVERY_CODES {
        let code = sf::recovery_code(rand::random());
        recovery_code::ActiveModel { id: Set(next_id()), user_id: Set(user_id), code_hash: Set(code_hash(&code)), used_at: Set(None) }.insert(db).await?;
        shown.push(sf::show_recovery(&code));
    }
    Ok(shown)
}

/// Whether the user has a second factor.
pub(crate) async fn enabled<C: ConnectionTrait>(db: &C, user_id: i64) -> Result<bool> {
    Ok(user_totp::Entity::find_by_id(user_id).one(db).await?.is_some())
}

/// Which of `ids` have a second factor.
pub(crate) async fn enabled_among<C: ConnectionTrait>(db: &C, ids: &[i64]) -> Result<std::collections::HashSet<i64>> {
    let rows = user_totp::Entity::find().filter(user_totp::Column::UserId.is_in(ids.iter().copied())).all(db).await?;
    Ok(rows.into_iter().map(|r| r.user_id).collect())
}

/// A user's second factor as their account page shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    pub enabled_at: Option<time::OffsetDateTime>,
    pub recovery_left: u64,
}

pub(crate) async fn status<C: ConnectionTrait>(db: &C, user_id: i64) -> Result<Status> {
    let row = user_totp::Entity::find_by_id(user_id).one(db).await?;
    let recovery_left =
        recovery_code::Entity::find().filter(recovery_code::Column::UserId.eq(user_id)).filter(recovery_code::Column::UsedAt.is_null()).count(db).await?;
    Ok(Status { enabled_at: row.map(|r| r.enabled_at), recovery_left })
}

/// Turns TOTP on for `user_id` once `code` shows the app holds `secret`; the recovery codes.
pub(crate) async fn enable(store: &Store, ctx: &Ctx, user_id: i64, secret: &str, code: &str) -> Result<Vec<String>> {
    let Some(bytes) = secret_bytes(secret) else {
        return Err(StoreError::invalid("secret", "kunci tidak valid; muat ulang halaman lalu pindai kode QR yang baru"));
    };
    let Some(CodeInput::Totp(code)) = sf::read_code(code) else { return Err(StoreError::invalid("code", "masukkan 6 digit kode dari aplikasi autentikator")) };
    let Some(step) = matching_step(bytes, &code, unix_now()) else {
        return Err(StoreError::invalid("code", "kode tidak cocok; periksa jam ponsel Anda lalu masukkan kode yang sedang tampil"));
    };
    let txn = store.write().await?;
    if enabled(&txn, user_id).await? {
        return Err(StoreError::invalid("code", "verifikasi dua langkah sudah aktif"));
    }
    user_totp::ActiveModel {
        user_id: Set(user_id),
        secret: Set(secret.trim().to_ascii_uppercase()),
        last_step: Set(step as i64),
        enabled_at: Set(crate::now()),
    }
    .insert(&txn)
    .await?;
    let codes = new_recovery_codes(&txn, user_id).await?;
    audit::record(&txn, ctx, ctx.tenant_id, ("enable_2fa", AuditEntity::User, user_id), None::<&()>, None::<&()>).await?;
    txn.commit().await?;
    Ok(codes)
}

/// Checks a code of `user_id` (TOTP or recovery) and spends it: a TOTP step or a recovery code
/// is accepted once, even by two requests at the same moment (conditional updates).
/// Returns which factor it was.
async fn spend_code<C: ConnectionTrait>(db: &C, user_id: i64, input: &str) -> Result<Option<&'static str>> {
    match sf::read_code(input) {
        None => Ok(None),
        Some(CodeInput::Totp(code)) => {
            let Some(row) = user_totp::Entity::find_by_id(user_id).one(db).await? else { return Ok(None) };
            let Some(bytes) = secret_bytes(&row.secret) else { return Err(StoreError::Other("kunci TOTP tersimpan tidak valid".into())) };
            let Some(step) = matching_step(bytes, &code, unix_now()) else { return Ok(None) };
            let spent = user_totp::Entity::update_many()
                .col_expr(user_totp::Column::LastStep, Expr::value(step as i64))
                .filter(user_totp::Column::UserId.eq(user_id))
                .filter(user_totp::Column::LastStep.lt(step as i64))
                .exec(db)
                .await?
                .rows_affected;
            Ok((spent == 1).then_some("totp"))
        }
        Some(CodeInput::Recovery(code)) => {
            let spent = recovery_code::Entity::update_many()
                .col_expr(recovery_code::Column::UsedAt, Expr::value(crate::now()))
                .filter(recovery_code::Column::UserId.eq(user_id))
                .filter(recovery_code::Column::CodeHash.eq(code_hash(&code)))
                .filter(recovery_code::Column::UsedAt.is_null())
                .exec(db)
                .await?
                .rows_affected;
            Ok((spent == 1).then_some("recovery"))
        }
    }
}

/// The code step of a login: `user_id` passed the password step; `input` is what they typed.
/// Throttled with the password step (same login, same address), so the six digits cannot be
/// guessed faster than a password.
pub async fn verify_login(store: &Store, user_id: i64, input: &str, ip: &str) -> Result<Result<app_user::Model, LoginError>> {
    let user = crate::users::get_any(&store.db, user_id).await?;
    if let Some(wait) = crate::throttle::retry_after(&store.db, &user.login, ip, crate::now()).await? {
        return Ok(Err(LoginError::Throttled(wait)));
    }
    let txn = store.write().await?;
    let factor = if user.active { spend_code(&txn, user_id, input).await? } else { None };
    crate::throttle::record(&txn, &user.login, ip, factor.is_some()).await?;
    if let Some(factor) = factor {
        let ctx = Ctx { tenant_id: user.tenant_id.unwrap_or(0), user_id: Some(user.id), request_id: None };
        audit::record(&txn, &ctx, ctx.tenant_id, ("login", AuditEntity::User, user.id), None::<&()>, Some(&serde_json::json!({"ip": ip, "factor": factor})))
            .await?;
    }
    txn.commit().await?;
    Ok(if factor.is_some() { Ok(user) } else { Err(LoginError::BadCredentials) })
}

/// Checks a code for a change to the factor itself (turning it off, new recovery codes),
/// throttled and recorded as a login step is.
async fn check_own_code<C: ConnectionTrait>(db: &C, user: &app_user::Model, input: &str, ip: &str) -> Result<()> {
    crate::throttle::refuse_if_waiting(db, &user.login, ip, "code").await?;
    let ok = spend_code(db, user.id, input).await?.is_some();
    crate::throttle::record(db, &user.login, ip, ok).await?;
    if ok { Ok(()) } else { Err(StoreError::invalid("code", "kode salah atau sudah dipakai")) }
}

/// New recovery codes for `user_id` (the old ones stop working), after a valid code.
pub(crate) async fn renew_recovery_codes(store: &Store, ctx: &Ctx, user_id: i64, code: &str, ip: &str) -> Result<Vec<String>> {
    let user = crate::users::get_any(&store.db, user_id).await?;
    // The failed attempt is recorded even though the renewal is not made.
    let txn = store.write().await?;
    if let Err(e) = check_own_code(&txn, &user, code, ip).await {
        txn.commit().await?;
        return Err(e);
    }
    let codes = new_recovery_codes(&txn, user_id).await?;
    audit::record(&txn, ctx, ctx.tenant_id, ("renew_recovery", AuditEntity::User, user_id), None::<&()>, None::<&()>).await?;
    txn.commit().await?;
    Ok(codes)
}

/// Turns the user's own TOTP off, after their password and a valid code. Refused for roles that
/// require it, and when the password is too short to stand alone (NIST: 15 characters).
pub(crate) async fn disable_own(store: &Store, ctx: &Ctx, user_id: i64, required: bool, password: &str, code: &str, ip: &str) -> Result<()> {
    if required {
        return Err(StoreError::invalid("code", "peran Anda mewajibkan verifikasi dua langkah; fitur ini tidak dapat dinonaktifkan"));
    }
    let user = crate::users::get_any(&store.db, user_id).await?;
    // The password is checked only when the throttle allows a try, as at login: else a wrong and
    // a right password would answer differently while the code check waits.
    crate::throttle::refuse_if_waiting(&store.db, &user.login, ip, "password").await?;
    if !crate::users::verify_password(password, &user.password_hash) {
        crate::throttle::record_failure(store, &user.login, ip).await?;
        return Err(StoreError::invalid("password", "kata sandi salah"));
    }
    if password.chars().count() < cakap_domain::password::MIN_LEN {
        return Err(StoreError::invalid(
            "password",
            format!(
                "kata sandi Anda kurang dari {} karakter; ganti kata sandi lebih dulu, baru nonaktifkan verifikasi dua langkah",
                cakap_domain::password::MIN_LEN
            ),
        ));
    }
    let txn = store.write().await?;
    if let Err(e) = check_own_code(&txn, &user, code, ip).await {
        txn.commit().await?;
        return Err(e);
    }
    remove(&txn, user_id).await?;
    audit::record(&txn, ctx, ctx.tenant_id, ("disable_2fa", AuditEntity::User, user_id), None::<&()>, None::<&()>).await?;
    txn.commit().await?;
    Ok(())
}

async fn remove<C: ConnectionTrait>(db: &C, user_id: i64) -> Result<()> {
    user_totp::Entity::delete_by_id(user_id).exec(db).await?;
    recovery_code::Entity::delete_many().filter(recovery_code::Column::UserId.eq(user_id)).exec(db).await?;
    Ok(())
}

/// An admin resets a user's second factor (a lost phone and lost recovery codes): TOTP and
/// recovery codes are deleted and the user's sessions and tokens end, so whoever holds the
/// phone is logged out; the user enrols again at the next login.
pub(crate) async fn reset(store: &Store, ctx: &Ctx, tenant_id: Option<i64>, user_id: i64) -> Result<()> {
    let txn = store.write().await?;
    match tenant_id {
        Some(t) => crate::users::get(&txn, t, user_id).await?,
        None => crate::users::get_any(&txn, user_id).await?,
    };
    remove(&txn, user_id).await?;
    crate::sessions::end_all_for(&txn, user_id, None).await?;
    audit::record(&txn, ctx, ctx.tenant_id, ("reset_2fa", AuditEntity::User, user_id), None::<&()>, None::<&()>).await?;
    txn.commit().await?;
    Ok(())
}

/// The operator at the CLI (`cakap admin second-factor`): who the login is, as an audit context
/// in their tenant without an acting user.
async fn operator_target(store: &Store, login: &str) -> Result<(app_user::Model, Ctx)> {
    let u = crate::users::by_login(&store.db, login).await?.ok_or(StoreError::NotFound)?;
    let ctx = Ctx { tenant_id: u.tenant_id.unwrap_or(0), user_id: None, request_id: None };
    Ok((u, ctx))
}

/// The operator removes a user's second factor (a super admin's lost phone has no admin above
/// it); the user's sessions and tokens end.
pub async fn operator_reset(store: &Store, login: &str) -> Result<()> {
    let (u, ctx) = operator_target(store, login).await?;
    reset(store, &ctx, None, u.id).await
}

/// The operator sets up a user's second factor and returns its secret, to be handed to the
/// user (or typed into a benchmark's code generator); replaces any earlier one.
pub async fn operator_enrol(store: &Store, login: &str) -> Result<String> {
    let (u, ctx) = operator_target(store, login).await?;
    let secret = new_secret();
    let txn = store.write().await?;
    remove(&txn, u.id).await?;
    user_totp::ActiveModel { user_id: Set(u.id), secret: Set(secret.clone()), last_step: Set(0), enabled_at: Set(crate::now()) }.insert(&txn).await?;
    audit::record(&txn, &ctx, ctx.tenant_id, ("enable_2fa", AuditEntity::User, u.id), None::<&()>, None::<&()>).await?;
    txn.commit().await?;
    Ok(secret)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238 appendix B, SHA-1 column (8 digits there; the last 6 are the 6-digit code).
    #[test]
    fn codes_match_the_rfc_test_vectors() {
        let t = totp(b"12345678901234567890".to_vec());
        assert_eq!(t.generate(59), "287082");
        assert_eq!(t.generate(1111111109), "081804");
        assert_eq!(t.generate(20000000000), "353130");
    }

    #[test]
    fn a_code_matches_its_step_and_one_either_side_only() {
        let secret = b"12345678901234567890".to_vec();
        let t = totp(secret.clone());
        let now = 1111111109;
        let code = t.generate(now);
        assert_eq!(matching_step(secret.clone(), &code, now), Some(now / STEP));
        assert_eq!(matching_step(secret.clone(), &code, now + STEP), Some(now / STEP), "one step late is accepted");
        assert_eq!(matching_step(secret.clone(), &code, now + 2 * STEP), None, "two steps late is not");
        assert_eq!(matching_step(secret, "000000", now), None);
    }

    #[test]
    fn secrets_are_160_bits_of_base32_and_nothing_else_is_accepted() {
        let s = new_secret();
        assert_eq!(s.len(), 32);
        assert_eq!(secret_bytes(&s).map(|b| b.len()), Some(20));
        assert_eq!(secret_bytes("AAAA"), None, "a short secret chosen by the client is refused");
        assert_eq!(secret_bytes("not base32!"), None);
        assert_eq!(secret_bytes(&"A".repeat(1000)), None);
        let url = otpauth_url(&s, "Cakap Kota Medan", "admin.medan");
        assert!(url.starts_with("otpauth://totp/Cakap%20Kota%20Medan:admin.medan?secret="), "{url}");
    }
}
