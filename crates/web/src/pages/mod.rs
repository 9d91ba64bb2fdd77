//! Server-rendered pages, one module per area (same names as in `store`).

pub mod admin;
pub mod akpk;
pub mod competency;
pub mod home;
pub mod learning;
pub mod org;
pub mod plan;
pub mod profile;
pub mod second_factor;

use org::{employees, imports, positions, units, users};

use axum::Router;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};

use crate::AppState;

route_table! {
    "/" => get(home::view_home_get),
    "/masuk" => get(home::view_login_get).post(home::view_login_post),
    "/masuk/verifikasi" => get(second_factor::view_verify_get).post(second_factor::view_verify_post),
    "/keluar" => post(home::view_logout_post),
    "/organisasi/unit" => get(units::view_units_get),
    "/organisasi/unit/baru" => get(units::view_unit_new_get).post(units::view_unit_new_post),
    "/organisasi/unit/{id}" => get(units::view_unit_get),
    "/organisasi/unit/{id}/ubah" => get(units::view_unit_edit_get).post(units::view_unit_edit_post),
    "/organisasi/unit/{id}/status" => post(units::view_unit_status_post),
    "/organisasi/jabatan" => get(positions::view_positions_get),
    "/organisasi/jabatan/baru" => get(positions::view_position_new_get).post(positions::view_position_new_post),
    "/organisasi/jabatan/{id}/ubah" => get(positions::view_position_edit_get).post(positions::view_position_edit_post),
    "/organisasi/jabatan/{id}/status" => post(positions::view_position_status_post),
    "/organisasi/pegawai" => get(employees::view_employees_get),
    "/organisasi/pegawai/unduh.csv" => get(employees::view_employees_csv_get),
    "/organisasi/pegawai/unduh.xlsx" => get(employees::view_employees_xlsx_get),
    "/organisasi/pegawai/baru" => get(employees::view_employee_new_get).post(employees::view_employee_new_post),
    "/organisasi/pegawai/{id}" => get(employees::view_employee_get),
    "/organisasi/pegawai/{id}/ubah" => get(employees::view_employee_edit_get).post(employees::view_employee_edit_post),
    "/organisasi/pegawai/{id}/status" => post(employees::view_employee_status_post),
    "/organisasi/pegawai/impor" => get(imports::view_import_get).post(imports::view_import_post),
    "/organisasi/pegawai/impor/templat.csv" => get(imports::view_template_get),
    "/organisasi/pegawai/impor/{id}/simpan" => post(imports::view_import_commit_post),
    "/organisasi/pengguna" => get(users::view_users_get),
    "/organisasi/pengguna/baru" => get(users::view_user_new_get).post(users::view_user_new_post),
    "/organisasi/pengguna/{id}" => get(users::view_user_get).post(users::view_user_post),
    "/kompetensi/kamus" => get(competency::view_dictionary_get),
    "/kompetensi/standar/{position_id}" => get(competency::view_standard_get).post(competency::view_standard_post),
    "/kompetensi/kamus/impor" => get(competency::view_import_get).post(competency::view_import_post),
    "/kompetensi/kamus/impor/templat.csv" => get(competency::view_import_template_get),
    "/kompetensi/standar" => get(competency::view_grid_get).post(competency::view_grid_post),
    "/kompetensi/kamus/baru" => get(competency::view_competency_new_get).post(competency::view_competency_new_post),
    "/kompetensi/kamus/{id}" => get(competency::view_competency_get),
    "/kompetensi/kamus/{id}/ubah" => get(competency::view_competency_edit_get).post(competency::view_competency_edit_post),
    "/akpk" => get(akpk::view_map_get),
    "/akpk/pegawai/{id}" => get(akpk::view_employee_get),
    "/akpk/pegawai/{id}/penilaian" => post(akpk::view_assess_post),
    "/akpk/pegawai/{id}/skp" => post(akpk::view_skp_post),
    "/akpk/kebutuhan" => get(akpk::view_needs_get),
    "/akpk/kebutuhan/unduh.xlsx" => get(akpk::view_needs_xlsx_get),
    "/akpk/kebutuhan/baru" => get(akpk::view_need_new_get).post(akpk::view_need_new_post),
    "/akpk/kebutuhan/{id}/tutup" => post(akpk::view_need_close_post),
    "/akpk/kalibrasi" => get(akpk::calibration::view_calibration_get),
    "/akpk/kalibrasi/unduh.xlsx" => get(akpk::calibration::view_calibration_xlsx_get),
    "/akpk/kalibrasi/tetapkan" => post(akpk::calibration::view_calibrate_post),
    "/akpk/tim/penilaian" => get(akpk::team::view_team_grid_get).post(akpk::team::view_team_grid_post),
    "/akpk/periode" => get(akpk::team::view_periods_get).post(akpk::team::view_periods_post),
    "/akpk/periode/{id}" => get(akpk::team::view_period_get),
    "/akpk/periode/{id}/ingatkan" => post(akpk::team::view_period_remind_post),
    "/akpk/prioritas" => get(akpk::view_priorities_get).post(akpk::view_priorities_post),
    "/akpk/impor" => get(akpk::view_import_get).post(akpk::view_import_post),
    "/akpk/impor/templat/{kind}" => get(akpk::view_import_template_get),
    "/katalog/mitra" => get(plan::catalogue::view_partners_get),
    "/katalog/mitra/baru" => get(plan::catalogue::view_partner_new_get).post(plan::catalogue::view_partner_new_post),
    "/katalog/mitra/{id}" => get(plan::catalogue::view_partner_get).post(plan::catalogue::view_partner_post),
    "/katalog/mitra/{id}/perjanjian" => post(plan::catalogue::view_agreement_new_post),
    "/katalog/perjanjian/{id}" => get(plan::catalogue::view_agreement_get).post(plan::catalogue::view_agreement_post),
    "/katalog/perjanjian/{id}/dokumen" => post(plan::catalogue::view_document_new_post),
    "/katalog/dokumen/{id}" => get(plan::catalogue::view_document_get),
    "/katalog/dokumen/{id}/hapus" => post(plan::catalogue::view_document_delete_post),
    "/katalog/program" => get(plan::catalogue::view_programs_get),
    "/katalog/program/baru" => get(plan::catalogue::view_program_new_get).post(plan::catalogue::view_program_new_post),
    "/katalog/program/{id}" => get(plan::catalogue::view_program_get).post(plan::catalogue::view_program_post),
    "/rencana" => get(plan::plans::view_plans_get),
    "/rencana/baru" => post(plan::plans::view_plan_new_post),
    "/rencana/{id}" => get(plan::plans::view_plan_get),
    "/rencana/{id}/susun-ulang" => post(plan::plans::view_plan_regenerate_post),
    "/rencana/{id}/butir" => post(plan::plans::view_plan_item_post),
    "/rencana/{id}/langkah" => post(plan::plans::view_plan_step_post),
    "/rencana/{id}/revisi" => post(plan::plans::view_plan_revise_post),
    "/rencana/{id}/cetak" => get(plan::plans::view_plan_print_get),
    "/rencana/{id}/unduh.xlsx" => get(plan::plans::view_plan_xlsx_get),
    "/rencana/{id}/unduh.pdf" => get(plan::plans::view_plan_pdf_get),
    "/rencana/tugas/{id}" => get(plan::plans::view_plan_job_get),
    "/kelas" => get(learning::classes::view_classes_get),
    "/kelas/baru" => get(learning::classes::view_class_new_get).post(learning::classes::view_class_new_post),
    "/kelas/persetujuan" => get(learning::classes::view_approvals_get),
    "/kelas/{id}" => get(learning::classes::view_class_get),
    "/kelas/{id}/sesi" => post(learning::classes::view_session_new_post),
    "/kelas/{id}/instruktur" => post(learning::classes::view_instructor_new_post),
    "/kelas/{id}/peserta" => post(learning::classes::view_nominate_post),
    "/kelas/{id}/daftar" => post(learning::classes::view_register_post),
    "/kelas/{id}/tutup" => post(learning::classes::view_close_post),
    "/kelas/{id}/pesan" => post(learning::classes::view_reserve_post),
    "/kelas/{id}/sertifikat" => post(learning::classes::view_certificates_post),
    "/kelas/peserta/{id}/setujui" => post(learning::classes::view_approve_post),
    "/kelas/peserta/{id}/mundur" => post(learning::classes::view_withdraw_post),
    "/kelas/sesi/{id}" => get(learning::sessions::view_session_get),
    "/kelas/sesi/{id}/presensi" => post(learning::sessions::view_register_post),
    "/hadir/{id}" => get(learning::sessions::view_checkin_get).post(learning::sessions::view_checkin_post),
    "/sertifikat/{id}/unduh.pdf" => get(learning::certificates::view_certificate_pdf_get),
    "/sertifikat/{id}/cabut" => post(learning::certificates::view_certificate_revoke_post),
    "/sertifikat/{id}/openbadge.json" => get(learning::certificates::view_certificate_badge_get),
    "/verifikasi/{code}" => get(learning::certificates::view_verify_get),
    "/kelas-saya" => get(learning::mine::view_mine_get),
    "/kelas-saya/eksternal" => get(learning::records::view_external_new_get).post(learning::records::view_external_new_post),
    "/pembelajaran/{id}/bukti" => get(learning::records::view_evidence_get),
    "/pembelajaran/{id}/setujui" => post(learning::records::view_record_approve_post),
    "/pembelajaran/{id}/tolak" => post(learning::records::view_record_reject_post),
    "/jp/riwayat" => get(learning::records::view_riwayat_get).post(learning::records::view_riwayat_post),
    "/jp/riwayat/templat.csv" => get(learning::records::view_riwayat_template_get),
    "/jp/riwayat/unduh.csv" => get(learning::records::view_riwayat_csv_get),
    "/jp/riwayat/unduh.xlsx" => get(learning::records::view_riwayat_xlsx_get),
    "/magang" => get(learning::placements::view_placements_get),
    "/magang/baru" => get(learning::placements::view_placement_new_get).post(learning::placements::view_placement_new_post),
    "/magang/{id}" => get(learning::placements::view_placement_get),
    "/magang/{id}/catatan" => post(learning::placements::view_placement_log_post),
    "/magang/{id}/laporan" => post(learning::placements::view_placement_report_post),
    "/magang/{id}/nilai" => post(learning::placements::view_placement_grade_post),
    "/jp" => get(learning::compliance::view_compliance_get),
    "/jp/unduh.xlsx" => get(learning::compliance::view_compliance_xlsx_get),
    "/pemberitahuan" => get(learning::mine::view_notifications_get),
    "/pemberitahuan/baca" => post(learning::mine::view_notifications_read_post),
    "/nasional" => get(akpk::view_national_get),
    "/pengaturan" => get(admin::view_settings_get).post(admin::view_settings_post),
    "/audit" => get(admin::view_audit_get),
    "/audit/unduh.xlsx" => get(admin::view_audit_xlsx_get),
    "/instansi" => get(admin::view_tenants_get),
    "/instansi/baru" => get(admin::view_tenant_new_get).post(admin::view_tenant_new_post),
    "/instansi/{id}/ubah" => get(admin::view_tenant_edit_get).post(admin::view_tenant_edit_post),
    "/profil" => get(profile::view_profile_get),
    "/profil/token" => post(profile::view_token_post),
    "/profil/token/{id}/cabut" => post(profile::view_token_revoke_post),
    "/profil/sandi" => post(profile::view_password_post),
    "/profil/dua-langkah" => get(second_factor::view_account_get).post(second_factor::view_enable_post),
    "/profil/dua-langkah/kode-pemulihan" => post(second_factor::view_recovery_post),
    "/profil/dua-langkah/nonaktif" => post(second_factor::view_disable_post),
    "/organisasi/pengguna/{id}/dua-langkah/reset" => post(second_factor::view_reset_post),
}

pub fn routes() -> Router<AppState> {
    table()
}

/// A multipart upload: the file and the other form fields.
pub struct Upload {
    pub file_name: String,
    pub bytes: Vec<u8>,
    pub fields: std::collections::HashMap<String, String>,
}

impl Upload {
    pub fn field(&self, name: &str) -> &str {
        self.fields.get(name).map(String::as_str).unwrap_or("")
    }
}

/// Reads a multipart upload and checks its CSRF field here, as the CSRF middleware leaves
/// multipart bodies to their handler.
pub async fn read_upload(a: &crate::auth::Actor, mut mp: axum::extract::Multipart) -> crate::error::Result<Upload> {
    use crate::error::AppError;
    let mut up = Upload { file_name: String::new(), bytes: vec![], fields: Default::default() };
    // A body cut off at the limit surfaces here as a multipart error with status 413.
    // (axum maps only its own limit to 413; the body-limit layer's error is found in the chain.)
    let bad = |e: axum::extract::multipart::MultipartError, what: &str| {
        let mut cause: Option<&dyn std::error::Error> = Some(&e);
        let mut over = e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE;
        while let Some(c) = cause {
            over |= c.to_string().contains("length limit exceeded");
            cause = c.source();
        }
        if over { AppError::TooLarge(0) } else { AppError::BadRequest(format!("{what}: {e}")) }
    };
    while let Some(field) = mp.next_field().await.map_err(|e| bad(e, "unggahan tidak valid"))? {
        let name = field.name().unwrap_or("").to_string();
        if name == "file" {
            up.file_name = field.file_name().unwrap_or("").chars().take(255).collect();
            up.bytes = field.bytes().await.map_err(|e| bad(e, "berkas gagal diunggah"))?.to_vec();
        } else if up.fields.len() < 32 {
            let text = field.text().await.map_err(|e| bad(e, "isian gagal dibaca"))?;
            up.fields.insert(name.chars().take(64).collect(), text.chars().take(10_000).collect());
        }
    }
    let csrf = up.field("_csrf");
    if csrf.is_empty() || !crate::constant_time_eq(csrf.as_bytes(), a.csrf.as_bytes()) {
        return Err(AppError::Csrf);
    }
    Ok(up)
}

/// A stored file as a download: `attachment`, an ASCII fallback name and the exact name in
/// RFC 5987 form (names of Indonesian documents carry spaces and, now and then, non-ASCII).
pub fn attachment(file_name: &str, mime: &'static str, bytes: Vec<u8>) -> Response {
    use axum::http::header;
    let ascii: String = file_name.chars().map(|c| if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' { c } else { '_' }).collect();
    // RFC 5987 attr-char: letters, digits and these stay as they are.
    const ATTR: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
        .remove(b'!')
        .remove(b'#')
        .remove(b'$')
        .remove(b'&')
        .remove(b'+')
        .remove(b'-')
        .remove(b'.')
        .remove(b'^')
        .remove(b'_')
        .remove(b'`')
        .remove(b'|')
        .remove(b'~');
    let exact = percent_encoding::utf8_percent_encode(file_name, ATTR);
    let disposition = format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{exact}");
    let mut res = ([(header::CONTENT_TYPE, mime)], bytes).into_response();
    if let Ok(v) = axum::http::HeaderValue::from_str(&disposition) {
        res.headers_mut().insert(header::CONTENT_DISPOSITION, v);
    }
    res
}

/// An import template: a CSV file holding only the header row.
pub fn csv_template(file_name: &str, headers: &[&str]) -> Response {
    use axum::http::header;
    let disposition = format!("attachment; filename=\"{file_name}\"");
    ([(header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()), (header::CONTENT_DISPOSITION, disposition)], format!("{}\n", headers.join(",")))
        .into_response()
}

/// A spreadsheet cell of a download: text stays text (a NIP must not become 1.98005E+17, and
/// nothing becomes a formula); numbers stay numbers so Excel can sum them.
pub enum XCell {
    Text(String),
    Num(f64),
}

/// An XLSX download: a sheet named for what it holds (not "Sheet1"), bold header row, then the
/// rows; `widths` sets column widths.
pub fn xlsx_download(
    file_name: &str,
    sheet: &str,
    headers: &[&str],
    rows: impl IntoIterator<Item = Vec<XCell>>,
    widths: &[(u16, f64)],
) -> crate::error::Result<Response> {
    use axum::http::header;
    let xe = |e: rust_xlsxwriter::XlsxError| crate::error::AppError::Internal(e.to_string());
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name(sheet).map_err(xe)?;
    let bold = rust_xlsxwriter::Format::new().set_bold();
    for (c, h) in headers.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, *h, &bold).map_err(xe)?;
    }
    for (i, r) in rows.into_iter().enumerate() {
        for (c, v) in r.iter().enumerate() {
            match v {
                XCell::Text(t) => ws.write_string(i as u32 + 1, c as u16, t).map_err(xe)?,
                XCell::Num(n) => ws.write_number(i as u32 + 1, c as u16, *n).map_err(xe)?,
            };
        }
    }
    for (c, w) in widths {
        ws.set_column_width(*c, *w).map_err(xe)?;
    }
    let bytes = wb.save_to_buffer().map_err(xe)?;
    let disposition = format!("attachment; filename=\"{file_name}\"");
    Ok((
        [(header::CONTENT_TYPE, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_string()), (header::CONTENT_DISPOSITION, disposition)],
        bytes,
    )
        .into_response())
}

/// Renders a template into a response, mapping template errors to the error page.
pub fn render(t: impl askama::Template) -> Response {
    match t.render() {
        Ok(html) => Html(html).into_response(),
        Err(e) => crate::error::AppError::from(e).into_response(),
    }
}

/// Renders with a status (422 for a form shown again with errors).
pub fn render_status(status: axum::http::StatusCode, t: impl askama::Template) -> Response {
    let mut r = render(t);
    if r.status().is_success() {
        *r.status_mut() = status;
    }
    r
}

pub fn see_other(to: &str) -> Response {
    Redirect::to(to).into_response()
}

/// Empty form fields arrive as "": parse optional ids leniently.
pub use crate::params::opt_id;

/// The end of every form post: saved → flash "Data berhasil disimpan." and go to `to`;
/// invalid → show the form again with its errors (and what the user typed); anything else is an
/// error page.
pub async fn saved_or_again<T, E, Fut>(
    session: &tower_sessions::Session,
    result: Result<T, E>,
    to: impl FnOnce(&T) -> String,
    again: impl FnOnce(crate::view::FormErrors) -> Fut,
) -> crate::error::Result<Response>
where
    E: Into<crate::error::AppError>,
    Fut: std::future::Future<Output = crate::error::Result<Response>>,
{
    match result {
        Ok(v) => {
            crate::view::flash(session, "Data berhasil disimpan.").await;
            Ok(see_other(&to(&v)))
        }
        Err(e) => match e.into() {
            crate::error::AppError::Invalid(errs) => again(crate::view::FormErrors(errs)).await,
            other => Err(other),
        },
    }
}

/// The end of an activate/deactivate post: a refusal (e.g. a unit that still has staff) is
/// shown as the flash message on the page the user returns to.
pub async fn status_done<T>(
    session: &tower_sessions::Session,
    result: Result<T, cakap_store::StoreError>,
    done: &str,
    refused: &str,
    to: &str,
) -> crate::error::Result<Response> {
    match result {
        Ok(_) => crate::view::flash(session, done).await,
        Err(cakap_store::StoreError::Invalid(errs)) => {
            let why = errs.iter().map(|e| e.message.as_str()).collect::<Vec<_>>().join("; ");
            crate::view::flash(session, &format!("{refused}: {why}.")).await
        }
        Err(e) => return Err(e.into()),
    }
    Ok(see_other(to))
}
