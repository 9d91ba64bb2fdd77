//! Parsing an employee record typed in a form or read from an import row.
//! Parse, don't validate: the result carries domain types, and every problem is named by field.

use serde::Serialize;
use time::Date;

use crate::format::parse_date;
use crate::golongan;
use crate::nip::Nip;
use crate::org::{EmployeeStatus, Gender};

/// Raw text as typed; field names are the import column headers.
#[derive(Debug, Clone, Default, serde::Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct EmployeeInput {
    /// 18 digits (spaces allowed).
    #[cfg_attr(feature = "openapi", schema(min_length = 18, max_length = 24, pattern = "^[0-9 ]{18,24}$"))]
    pub nip: String,
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 200))]
    pub nama: String,
    /// L or P.
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 20))]
    pub jenis_kelamin: String,
    /// YYYY-MM-DD or DD-MM-YYYY.
    #[cfg_attr(feature = "openapi", schema(min_length = 10, max_length = 10))]
    pub tanggal_lahir: String,
    /// PNS or PPPK.
    #[cfg_attr(feature = "openapi", schema(min_length = 3, max_length = 10))]
    pub status: String,
    /// e.g. III/a (PNS) or IX (PPPK).
    #[cfg_attr(feature = "openapi", schema(max_length = 10))]
    pub golongan: String,
    #[cfg_attr(feature = "openapi", schema(max_length = 254))]
    pub email: String,
}

/// A problem with one field. `field` is the column/field label shown to users.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FieldError {
    pub field: &'static str,
    pub message: String,
}

impl FieldError {
    pub fn new(field: &'static str, message: impl Into<String>) -> Self {
        FieldError { field, message: message.into() }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidEmployee {
    pub nip: Nip,
    pub name: String,
    pub gender: Gender,
    pub birth_date: Date,
    pub status: EmployeeStatus,
    pub golongan: Option<&'static str>,
    pub email: Option<String>,
}

/// An employee as the store hands it out: typed, with the names of unit and positions joined in
/// (a list of 25 rows needs no lookup of the tenant's whole unit tree to label them).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Employee {
    pub id: i64,
    /// Digits only; shown grouped (`nip::group_nip`).
    pub nip: String,
    pub name: String,
    pub gender: Gender,
    #[serde(serialize_with = "crate::format::iso_date")]
    pub birth_date: Date,
    pub status: EmployeeStatus,
    pub golongan: Option<String>,
    pub unit_id: i64,
    pub unit_name: String,
    pub position_id: i64,
    pub position_name: String,
    pub target_position_id: Option<i64>,
    pub target_position_name: Option<String>,
    pub email: Option<String>,
    pub active: bool,
}

/// The same fields borrowed, so an import can check a million rows without copying each cell.
#[derive(Debug, Clone, Copy, Default)]
pub struct EmployeeFields<'a> {
    pub nip: &'a str,
    pub nama: &'a str,
    pub jenis_kelamin: &'a str,
    pub tanggal_lahir: &'a str,
    pub status: &'a str,
    pub golongan: &'a str,
    pub email: &'a str,
}

impl EmployeeInput {
    pub fn fields(&self) -> EmployeeFields<'_> {
        EmployeeFields {
            nip: &self.nip,
            nama: &self.nama,
            jenis_kelamin: &self.jenis_kelamin,
            tanggal_lahir: &self.tanggal_lahir,
            status: &self.status,
            golongan: &self.golongan,
            email: &self.email,
        }
    }

    /// See [`EmployeeFields::parse`].
    pub fn parse(&self, today: Date) -> Result<ValidEmployee, Vec<FieldError>> {
        self.fields().parse(today)
    }
}

impl EmployeeFields<'_> {
    /// Checks every field and the agreement between NIP, birth date and gender.
    /// Returns all problems at once so a form or import row can show them together.
    /// `today` is the tenant's date: a TMT after it has not happened yet.
    pub fn parse(&self, today: Date) -> Result<ValidEmployee, Vec<FieldError>> {
        let mut errs = Vec::new();
        let status = match EmployeeStatus::parse_loose(self.status) {
            Some(s) => Some(s),
            None if self.status.trim().is_empty() => {
                errs.push(FieldError::new("status", "wajib diisi (PNS atau PPPK)"));
                None
            }
            None => {
                errs.push(FieldError::new("status", format!("'{}' tidak dikenal; isi PNS atau PPPK", self.status.trim())));
                None
            }
        };
        let name = self.nama.trim().to_string();
        if name.is_empty() {
            errs.push(FieldError::new("nama", "wajib diisi"));
        } else if let Some(e) = crate::text::check("nama", "nama", &name, crate::text::NAME_MAX, false) {
            errs.push(e);
        }
        let gender = match Gender::parse_any(self.jenis_kelamin) {
            Some(g) => Some(g),
            None => {
                errs.push(FieldError::new("jenis kelamin", "harus L (laki-laki) atau P (perempuan)"));
                None
            }
        };
        let birth_date = match parse_date(self.tanggal_lahir) {
            Some(d) => Some(d),
            None => {
                errs.push(FieldError::new(
                    "tanggal lahir",
                    format!("'{}' bukan tanggal yang valid (gunakan format 31-12-1980 atau 1980-12-31)", self.tanggal_lahir.trim()),
                ));
                None
            }
        };
        let mut nip = None;
        if let Some(status) = status {
            let label = if status == EmployeeStatus::Pppk { "NI PPPK" } else { "NIP" };
            match Nip::parse(self.nip, status) {
                Ok((n, facts)) => {
                    if let Some(bd) = birth_date
                        && bd != facts.birth_date
                    {
                        errs.push(FieldError::new(
                            "nip",
                            format!(
                                "tanggal lahir pada {label} ({}) tidak sama dengan kolom tanggal lahir ({})",
                                crate::format::date_short(facts.birth_date),
                                crate::format::date_short(bd)
                            ),
                        ));
                    }
                    if let Some(g) = gender
                        && g != facts.gender
                    {
                        errs.push(FieldError::new(
                            "nip",
                            format!("kode jenis kelamin pada {label} ({}) tidak sama dengan kolom jenis kelamin ({})", facts.gender.label(), g.label()),
                        ));
                    }
                    let tmt = (facts.appointed_year, facts.appointed_month.unwrap_or(1));
                    if tmt > (today.year(), u8::from(today.month())) {
                        let shown = match facts.appointed_month {
                            Some(m) => format!("{m:02}-{}", facts.appointed_year),
                            None => facts.appointed_year.to_string(),
                        };
                        errs.push(FieldError::new("nip", format!("TMT pada {label} ({shown}) belum terjadi; periksa kembali {label}")));
                    }
                    nip = Some(n);
                }
                Err(e) => errs.push(FieldError::new("nip", format!("{label} {e}"))),
            }
        }
        let mut gol = None;
        if let Some(status) = status
            && !self.golongan.trim().is_empty()
        {
            match golongan::parse(self.golongan, status) {
                Some(g) => gol = Some(g),
                None => errs.push(FieldError::new(
                    "golongan",
                    match status {
                        EmployeeStatus::Pns => format!("'{}' bukan golongan PNS (I/a … IV/e)", self.golongan.trim()),
                        EmployeeStatus::Pppk => format!("'{}' bukan golongan PPPK (I … XVII)", self.golongan.trim()),
                    },
                )),
            }
        }
        let email = self.email.trim();
        let email = if email.is_empty() {
            None
        } else if valid_email(email) {
            Some(email.to_ascii_lowercase())
        } else {
            errs.push(FieldError::new("email", format!("'{email}' bukan alamat email yang valid")));
            None
        };
        if !errs.is_empty() {
            return Err(errs);
        }
        Ok(ValidEmployee {
            nip: nip.expect("checked"),
            name,
            gender: gender.expect("checked"),
            birth_date: birth_date.expect("checked"),
            status: status.expect("checked"),
            golongan: gol,
            email,
        })
    }
}

/// A light check: one `@`, a dot in the domain, no spaces. Delivery is the real test.
pub fn valid_email(s: &str) -> bool {
    if s.len() > crate::text::EMAIL_MAX {
        return false;
    }
    let Some((local, domain)) = s.split_once('@') else { return false };
    !local.is_empty() && domain.contains('.') && !domain.starts_with('.') && !domain.ends_with('.') && !s.contains(char::is_whitespace) && !domain.contains('@')
}

#[cfg(test)]
mod tests {
    use super::*;

    const TODAY: Date = time::macros::date!(2026 - 12 - 01);

    fn input() -> EmployeeInput {
        EmployeeInput {
            nip: "198005122005011001".into(),
            nama: "Drs. Ahmad Nasution, M.Si.".into(),
            jenis_kelamin: "L".into(),
            tanggal_lahir: "12-05-1980".into(),
            status: "PNS".into(),
            golongan: "iii/c".into(),
            email: "Ahmad@Medan.go.id".into(),
        }
    }

    #[test]
    fn parses_a_good_row() {
        let e = input().parse(TODAY).unwrap();
        assert_eq!(e.golongan, Some("III/c"));
        assert_eq!(e.email.as_deref(), Some("ahmad@medan.go.id"));
        assert_eq!(e.name, "Drs. Ahmad Nasution, M.Si.");
    }

    #[test]
    fn nip_must_agree_with_birth_date_and_gender() {
        let mut i = input();
        i.tanggal_lahir = "1980-05-13".into();
        i.jenis_kelamin = "P".into();
        let errs = i.parse(TODAY).unwrap_err();
        assert_eq!(errs.len(), 2, "{errs:?}");
        assert!(errs[0].message.contains("tanggal lahir pada NIP (12-05-1980)"));
        assert!(errs[1].message.contains("jenis kelamin"));
    }

    #[test]
    fn reports_every_bad_field() {
        let i = EmployeeInput { status: "honorer".into(), golongan: "V/a".into(), email: "x@".into(), ..Default::default() };
        let fields: Vec<_> = i.parse(TODAY).unwrap_err().into_iter().map(|e| e.field).collect();
        assert_eq!(fields, vec!["status", "nama", "jenis kelamin", "tanggal lahir", "email"]);
    }

    #[test]
    fn pppk_golongan_and_nip() {
        let i = EmployeeInput {
            nip: "199203152022212003".into(),
            nama: "Siti".into(),
            jenis_kelamin: "P".into(),
            tanggal_lahir: "1992-03-15".into(),
            status: "pppk".into(),
            golongan: "IX".into(),
            email: String::new(),
        };
        assert_eq!(i.parse(TODAY).unwrap().golongan, Some("IX"));
        let bad = EmployeeInput { golongan: "III/a".into(), ..i };
        assert_eq!(bad.parse(TODAY).unwrap_err()[0].field, "golongan");
    }

    #[test]
    fn a_tmt_after_today_has_not_happened() {
        // TMT CPNS 2027-01 in the NIP, checked on 1 December 2026.
        let i = EmployeeInput { nip: "198005122027011001".into(), ..input() };
        let errs = i.parse(TODAY).unwrap_err();
        assert_eq!(errs.len(), 1, "{errs:?}");
        assert!(errs[0].message.contains("TMT pada NIP (01-2027) belum terjadi"), "{errs:?}");
        // The same month is fine.
        let i = EmployeeInput { nip: "198005122026121001".into(), ..input() };
        assert!(i.parse(TODAY).is_ok());
    }
}
