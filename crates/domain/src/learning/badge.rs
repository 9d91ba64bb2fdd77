//! A certificate as an Open Badges 3.0 credential (a W3C Verifiable Credential 2.0 of type
//! `OpenBadgeCredential`), for people who want to carry it elsewhere. It is secured the way
//! the VC Data Integrity spec's `eddsa-jcs-2022` cryptosuite says: the proof options and the
//! credential are each canonicalized (RFC 8785), hashed (SHA-256), the two hashes joined
//! (options first) and signed with the tenant's Ed25519 key; the signature is multibase
//! base58-btc. The issuer and its verification method are the tenant's key as a `did:key`, so
//! any OB 3.0 verifier checks it offline, with no call to Cakap.

use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::certificate::{CertificateData, masked_nip};

/// The multicodec prefix of an Ed25519 public key (0xed, varint-encoded).
const ED25519_PUB: [u8; 2] = [0xed, 0x01];

/// The tenant's key as a `did:key` ("did:key:z6Mk…").
pub fn did_key(public: &[u8; 32]) -> String {
    let mut bytes = ED25519_PUB.to_vec();
    bytes.extend_from_slice(public);
    format!("did:key:z{}", bs58::encode(bytes).into_string())
}

/// RFC 8785 for the JSON Cakap writes (objects, arrays, strings, integers, booleans): object
/// keys sorted by their UTF-16 code units, no whitespace, strings escaped as JSON requires.
pub fn jcs(v: &Value) -> String {
    match v {
        Value::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort_by(|a, b| a.encode_utf16().cmp(b.encode_utf16()));
            let parts: Vec<String> = keys.iter().map(|k| format!("{}:{}", Value::String((*k).clone()), jcs(&m[*k]))).collect();
            format!("{{{}}}", parts.join(","))
        }
        Value::Array(a) => format!("[{}]", a.iter().map(jcs).collect::<Vec<_>>().join(",")),
        other => other.to_string(),
    }
}

/// The credential before it is secured. `verify_url` is the certificate's public page (its id
/// and evidence); `valid_from` is the issue date.
pub fn credential(data: &CertificateData, tenant_name: &str, public: &[u8; 32], verify_url: &str) -> Value {
    let iso = |d: time::Date| format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day());
    json!({
        "@context": ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
        "id": verify_url,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": format!("Sertifikat {}", data.program),
        "issuer": { "id": did_key(public), "type": ["Profile"], "name": tenant_name },
        "validFrom": format!("{}T00:00:00Z", iso(data.issued_on)),
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [{
                "type": "IdentityObject",
                "identityType": "identifier",
                "hashed": false,
                // Never the full NIP: a payload's is masked already.
                "identity": if data.nip.contains('*') { data.nip.clone() } else { masked_nip(&data.nip) },
            }],
            "name": data.name,
            "achievement": {
                "id": format!("{verify_url}#program"),
                "type": ["Achievement"],
                "name": data.program,
                "description": format!("{} JP, jalur {}, {} s.d. {}, diselenggarakan oleh {}.", data.jp, data.jalur, iso(data.started_on), iso(data.ended_on), data.organiser),
                "criteria": { "narrative": format!("Menyelesaikan {} sesuai syarat kehadiran kelas.", data.program) },
                "creditsAvailable": data.jp,
            },
        },
        "evidence": [{ "id": verify_url, "type": ["Evidence"], "name": format!("Nomor sertifikat {}", data.number) }],
    })
}

/// The proof options of a credential's proof (without its value).
fn proof_options(public: &[u8; 32], created: &str, context: &Value) -> Value {
    let did = did_key(public);
    let key = did.trim_start_matches("did:key:").to_string();
    json!({
        "@context": context,
        "type": "DataIntegrityProof",
        "cryptosuite": "eddsa-jcs-2022",
        "created": created,
        "verificationMethod": format!("{did}#{key}"),
        "proofPurpose": "assertionMethod",
    })
}

/// The bytes an `eddsa-jcs-2022` proof signs: SHA-256 of the canonical proof options, then of
/// the canonical credential.
fn hash_data(options: &Value, unsecured: &Value) -> Vec<u8> {
    let mut out = Sha256::digest(jcs(options).as_bytes()).to_vec();
    out.extend_from_slice(&Sha256::digest(jcs(unsecured).as_bytes()));
    out
}

/// The credential with its proof. `created` is an XML Schema dateTime ("2027-03-05T00:00:00Z").
pub fn secure(unsecured: &Value, seed: &[u8; 32], created: &str) -> Value {
    use ed25519_dalek::Signer;
    let key = ed25519_dalek::SigningKey::from_bytes(seed);
    let public = key.verifying_key().to_bytes();
    let options = proof_options(&public, created, &unsecured["@context"]);
    let signature = key.sign(&hash_data(&options, unsecured)).to_bytes();
    let mut proof = options;
    if let Some(m) = proof.as_object_mut() {
        m.remove("@context");
        m.insert("proofValue".into(), Value::String(format!("z{}", bs58::encode(signature).into_string())));
    }
    let mut secured = unsecured.clone();
    if let Some(m) = secured.as_object_mut() {
        m.insert("proof".into(), proof);
    }
    secured
}

/// Whether a secured credential's proof holds under the key its verification method names.
pub fn verify(secured: &Value) -> bool {
    let Some(proof) = secured.get("proof") else { return false };
    let (Some(value), Some(method)) = (proof["proofValue"].as_str(), proof["verificationMethod"].as_str()) else { return false };
    let Some(encoded) = method.split('#').next().and_then(|d| d.strip_prefix("did:key:z")) else { return false };
    let Ok(key_bytes) = bs58::decode(encoded).into_vec() else { return false };
    let Some(public) = key_bytes.strip_prefix(&ED25519_PUB[..]).and_then(|k| <[u8; 32]>::try_from(k).ok()) else { return false };
    let Some(sig) = value.strip_prefix('z').and_then(|v| bs58::decode(v).into_vec().ok()).and_then(|v| <[u8; 64]>::try_from(v).ok()) else { return false };
    let mut unsecured = secured.clone();
    let mut options = proof.clone();
    if let (Some(u), Some(o)) = (unsecured.as_object_mut(), options.as_object_mut()) {
        u.remove("proof");
        o.remove("proofValue");
        o.insert("@context".into(), secured["@context"].clone());
    }
    let Ok(key) = ed25519_dalek::VerifyingKey::from_bytes(&public) else { return false };
    key.verify_strict(&hash_data(&options, &unsecured), &ed25519_dalek::Signature::from_bytes(&sig)).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn data() -> CertificateData {
        CertificateData {
            number: "0012/PR-ANDAT/SERANG/2027".into(),
            tenant: "serang".into(),
            name: "Siti Aminah".into(),
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
    fn did_key_of_the_rfc_8032_test_key() {
        // RFC 8032 test 1's public key, as the did:key spec's Ed25519 example encodes such a
        // key: multicodec 0xed01, base58-btc, "z6Mk" first.
        let public: [u8; 32] = hex::decode("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a").unwrap().try_into().unwrap();
        let did = did_key(&public);
        assert!(did.starts_with("did:key:z6Mk"), "{did}");
        let back = bs58::decode(did.trim_start_matches("did:key:z")).into_vec().unwrap();
        assert_eq!(&back[..2], &ED25519_PUB);
        assert_eq!(&back[2..], &public);
    }

    #[test]
    fn jcs_sorts_keys_and_leaves_no_space() {
        let v = json!({"b": [1, {"d": "é", "c": true}], "a": "x\"y"});
        assert_eq!(jcs(&v), r#"{"a":"x\"y","b":[1,{"c":true,"d":"é"}]}"#);
    }

    #[test]
    fn a_secured_credential_verifies_until_it_is_changed() {
        let seed = [7u8; 32];
        let public = super::super::certificate::public_key(&seed);
        let vc = credential(&data(), "Pemerintah Kota Serang", &public, "https://cakap.serangkota.go.id/verifikasi/abc");
        assert_eq!(vc["type"][1], "OpenBadgeCredential");
        assert_eq!(vc["credentialSubject"]["identifier"][0]["identity"], "1980**** ****** 2 001", "never the full NIP");
        let secured = secure(&vc, &seed, "2027-03-05T00:00:00Z");
        // From a stored payload (NIP masked when signed) the same credential comes out.
        let back = super::super::certificate::CertificateData::from_canonical(&data().canonical()).unwrap();
        assert_eq!(credential(&back, "Pemerintah Kota Serang", &public, "https://cakap.serangkota.go.id/verifikasi/abc"), vc);
        assert_eq!(secured["proof"]["cryptosuite"], "eddsa-jcs-2022");
        assert!(secured["proof"]["proofValue"].as_str().unwrap().starts_with('z'));
        assert!(verify(&secured));
        let mut edited = secured.clone();
        edited["credentialSubject"]["achievement"]["creditsAvailable"] = json!(320);
        assert!(!verify(&edited), "an edited credential fails");
        let mut other_key = secured.clone();
        other_key["proof"]["verificationMethod"] = json!(format!("{}#x", did_key(&super::super::certificate::public_key(&[8u8; 32]))));
        assert!(!verify(&other_key));
    }
}
