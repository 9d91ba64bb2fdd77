//! What a certificate says and how it is signed over (issue "…certificates that verify"). The
//! signature (Ed25519, one key per tenant) covers the canonical payload: the certificate's data
//! as a JSON object with its keys sorted and no spaces, the JSON Canonicalization Scheme of
//! RFC 8785 for an object of strings and integers (the eddsa-jcs-2022 cryptosuite of W3C
//! Verifiable Credentials canonicalizes the same way). Anyone with the tenant's public key, the
//! data printed on the certificate and any JCS library can check it offline; an edited name,
//! date or JP changes the payload, and the signature no longer matches.

use std::collections::BTreeMap;

/// The payload's format; a later change of fields is a new version, and old certificates keep
/// verifying under theirs.
pub const PAYLOAD_VERSION: &str = "cakap-sertifikat/1";

/// The data a certificate carries (the same that its public verification page shows).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertificateData {
    pub number: String,
    /// The tenant's code (whose key signs).
    pub tenant: String,
    pub name: String,
    /// The full NIP, as the PDF prints it. The payload carries it masked ([`masked_nip`]):
    /// the payload is published on the verification page for offline checking, so it must
    /// not hold a full NIP; the unmasked digits still bind the holder and catch an edit.
    pub nip: String,
    pub program: String,
    pub jalur: String,
    pub jp: u32,
    pub started_on: time::Date,
    pub ended_on: time::Date,
    pub organiser: String,
    pub issued_on: time::Date,
}

impl CertificateData {
    /// The canonical payload the signature covers (RFC 8785 for this object).
    pub fn canonical(&self) -> String {
        let iso = |d: time::Date| format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day());
        let mut m: BTreeMap<&str, serde_json::Value> = BTreeMap::new();
        m.insert("v", PAYLOAD_VERSION.into());
        m.insert("number", self.number.clone().into());
        m.insert("tenant", self.tenant.clone().into());
        m.insert("name", self.name.clone().into());
        m.insert("nip", masked_nip(&self.nip).into());
        m.insert("program", self.program.clone().into());
        m.insert("jalur", self.jalur.clone().into());
        m.insert("jp", self.jp.into());
        m.insert("started_on", iso(self.started_on).into());
        m.insert("ended_on", iso(self.ended_on).into());
        m.insert("organiser", self.organiser.clone().into());
        m.insert("issued_on", iso(self.issued_on).into());
        // Keys are ASCII, so byte order is RFC 8785's UTF-16 order; serde_json writes no
        // spaces, keeps non-ASCII as UTF-8 and escapes what JCS escapes.
        serde_json::to_string(&m).unwrap_or_default()
    }
}

impl CertificateData {
    /// The data back from a stored canonical payload (its NIP as signed: masked); None for a
    /// payload of another format.
    pub fn from_canonical(payload: &str) -> Option<CertificateData> {
        let v: serde_json::Value = serde_json::from_str(payload).ok()?;
        if v["v"].as_str()? != PAYLOAD_VERSION {
            return None;
        }
        let s = |k: &str| v[k].as_str().map(str::to_string);
        let d = |k: &str| crate::format::parse_date(v[k].as_str()?);
        Some(CertificateData {
            number: s("number")?,
            tenant: s("tenant")?,
            name: s("name")?,
            nip: s("nip")?,
            program: s("program")?,
            jalur: s("jalur")?,
            jp: u32::try_from(v["jp"].as_u64()?).ok()?,
            started_on: d("started_on")?,
            ended_on: d("ended_on")?,
            organiser: s("organiser")?,
            issued_on: d("issued_on")?,
        })
    }
}

/// The public key of a tenant's signing key, given its 32-byte seed (RFC 8032's "secret key").
pub fn public_key(seed: &[u8; 32]) -> [u8; 32] {
    ed25519_dalek::SigningKey::from_bytes(seed).verifying_key().to_bytes()
}

/// The Ed25519 signature (RFC 8032) of a payload under a tenant's key.
pub fn sign(seed: &[u8; 32], payload: &str) -> [u8; 64] {
    use ed25519_dalek::Signer;
    ed25519_dalek::SigningKey::from_bytes(seed).sign(payload.as_bytes()).to_bytes()
}

/// Whether `signature` is the tenant's signature of `payload`. Strict verification: a key of
/// small order or a non-canonical signature is refused, so one payload has one valid signature
/// per key.
pub fn verify(public: &[u8; 32], payload: &str, signature: &[u8; 64]) -> bool {
    let Ok(key) = ed25519_dalek::VerifyingKey::from_bytes(public) else { return false };
    key.verify_strict(payload.as_bytes(), &ed25519_dalek::Signature::from_bytes(signature)).is_ok()
}

/// The NIP as the public verification page shows it: the birth year and the last four digits
/// (gender and sequence), the birth date and appointment masked, grouped like a NIP:
/// "1980**** ****** 1 001". Anything that is not 18 digits is masked whole.
pub fn masked_nip(nip: &str) -> String {
    if nip.len() != 18 || !nip.bytes().all(|b| b.is_ascii_digit()) {
        return "*".repeat(nip.chars().count().min(18));
    }
    format!("{}**** ****** {} {}", &nip[0..4], &nip[14..15], &nip[15..18])
}

/// A certificate's number: sequence within the tenant and year, the program's code, the
/// tenant's code and the year, e.g. "0012/PR-ANDAT/SERANG/2027".
pub fn number(sequence: u32, program_code: &str, tenant_code: &str, year: i32) -> String {
    format!("{sequence:04}/{}/{}/{year}", program_code.trim().to_uppercase(), tenant_code.trim().to_uppercase())
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn data() -> CertificateData {
        CertificateData {
            number: "0012/PR-ANDAT/SERANG/2027".into(),
            tenant: "serang".into(),
            name: "Dra. Siti \"Ani\" Rahmawati, M.Si.".into(),
            nip: "198005122005012001".into(),
            program: "Pelatihan Analisis Data dan Kebijakan Publik".into(),
            jalur: "KL03".into(),
            jp: 32,
            started_on: date!(2027 - 03 - 01),
            ended_on: date!(2027 - 03 - 04),
            organiser: "Universitas Sultan Ageng Tirtayasa".into(),
            issued_on: date!(2027 - 03 - 05),
        }
    }

    #[test]
    fn the_payload_is_canonical_json_with_sorted_keys() {
        assert_eq!(
            data().canonical(),
            r#"{"ended_on":"2027-03-04","issued_on":"2027-03-05","jalur":"KL03","jp":32,"name":"Dra. Siti \"Ani\" Rahmawati, M.Si.","nip":"1980**** ****** 2 001","number":"0012/PR-ANDAT/SERANG/2027","organiser":"Universitas Sultan Ageng Tirtayasa","program":"Pelatihan Analisis Data dan Kebijakan Publik","started_on":"2027-03-01","tenant":"serang","v":"cakap-sertifikat/1"}"#
        );
    }

    #[test]
    fn non_ascii_stays_and_control_characters_are_escaped_as_jcs_does() {
        let mut d = data();
        d.name = "Ni Luh Ayu Ṣari\tX\u{1}".into();
        assert!(d.canonical().contains(r#""name":"Ni Luh Ayu Ṣari\tX\u0001""#), "{}", d.canonical());
    }

    #[test]
    fn every_field_is_covered() {
        let base = data().canonical();
        let edits: [fn(&mut CertificateData); 11] = [
            |d| d.number.push('9'),
            |d| d.tenant.push('x'),
            |d| d.name.push('.'),
            |d| d.nip.replace_range(17..18, "2"),
            |d| d.program.push('!'),
            |d| d.jalur = "KL04".into(),
            |d| d.jp = 40,
            |d| d.started_on = date!(2027 - 02 - 28),
            |d| d.ended_on = date!(2027 - 03 - 05),
            |d| d.organiser.push('.'),
            |d| d.issued_on = date!(2027 - 03 - 06),
        ];
        for (i, edit) in edits.iter().enumerate() {
            let mut d = data();
            edit(&mut d);
            assert_ne!(d.canonical(), base, "edit {i} left the payload unchanged");
        }
    }

    fn hex<const N: usize>(s: &str) -> [u8; N] {
        let v: Vec<u8> = (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap()).collect();
        v.try_into().unwrap()
    }

    #[test]
    fn signing_follows_rfc_8032() {
        // RFC 8032 section 7.1, TEST 1 (empty message) and TEST 2 (one byte, 0x72 = "r").
        let seed = hex::<32>("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
        assert_eq!(public_key(&seed), hex::<32>("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"));
        let sig = hex::<64>("e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b");
        assert_eq!(sign(&seed, ""), sig);
        assert!(verify(&public_key(&seed), "", &sig));
        let seed = hex::<32>("4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb");
        assert_eq!(public_key(&seed), hex::<32>("3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c"));
        assert_eq!(
            sign(&seed, "r"),
            hex::<64>("92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00")
        );
    }

    #[test]
    fn a_changed_certificate_or_signature_fails_verification() {
        let seed = [7u8; 32];
        let public = public_key(&seed);
        let payload = data().canonical();
        let sig = sign(&seed, &payload);
        assert!(verify(&public, &payload, &sig));
        let mut edited = data();
        edited.jp = 320;
        assert!(!verify(&public, &edited.canonical(), &sig), "a JP edited from 32 to 320");
        let mut bad = sig;
        bad[10] ^= 1;
        assert!(!verify(&public, &payload, &bad), "a flipped bit in the signature");
        assert!(!verify(&public_key(&[8u8; 32]), &payload, &sig), "another tenant's key");
        assert!(!verify(&[0u8; 32], &payload, &sig), "a small-order key is refused");
    }

    #[test]
    fn the_public_page_masks_the_nip() {
        assert_eq!(masked_nip("198005122005012001"), "1980**** ****** 2 001");
        assert_eq!(masked_nip("12345"), "*****");
        assert_eq!(masked_nip(&"x".repeat(40)), "*".repeat(18), "a bounded mask");
    }

    #[test]
    fn numbers_name_the_program_tenant_and_year() {
        assert_eq!(number(12, "pr-andat", "serang", 2027), "0012/PR-ANDAT/SERANG/2027");
        assert_eq!(number(12345, "X", "Y", 2027), "12345/X/Y/2027");
    }
}
