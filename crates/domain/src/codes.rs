//! Enums stored as stable text codes (DESIGN.md: "Enums stored as stable text codes").

/// Declares an enum whose variants have a stable storage code and an Indonesian label.
#[macro_export]
macro_rules! code_enum {
    ($(#[$meta:meta])* $vis:vis enum $name:ident { $($variant:ident = ($code:literal, $label:literal)),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        $vis enum $name { $($variant),+ }

        /// The stable code, as in the database: the API and audit rows use the same words.
        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.code())
            }
        }

        /// The code; also the snake_case variant name that settings and audit rows written
        /// before 2026-12 used ("self_assessment" for "self"), so stored JSON keeps reading.
        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                #[derive(serde::Deserialize)]
                #[serde(rename_all = "snake_case")]
                enum Legacy { $($variant),+ }
                let s = <std::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(d)?;
                if let Some(v) = Self::from_code(&s) {
                    return Ok(v);
                }
                let legacy: Result<Legacy, serde::de::value::Error> = serde::Deserialize::deserialize(serde::de::IntoDeserializer::into_deserializer(s.as_ref()));
                match legacy {
                    $(Ok(Legacy::$variant) => Ok($name::$variant),)+
                    Err(_) => Err(<D::Error as serde::de::Error>::custom(format!("kode '{}' tidak dikenal untuk {}", s, stringify!($name)))),
                }
            }
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            /// Stable code kept in the database and the API.
            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }
            /// Full name shown to users.
            pub fn label(self) -> &'static str {
                match self { $($name::$variant => $label),+ }
            }
            pub fn from_code(code: &str) -> Option<Self> {
                match code { $($code => Some($name::$variant),)+ _ => None }
            }
            /// Accepts the code or the label, case-insensitively (for imports typed by people).
            pub fn parse_loose(s: &str) -> Option<Self> {
                let s = s.trim();
                Self::ALL.iter().copied().find(|v| v.code().eq_ignore_ascii_case(s) || v.label().eq_ignore_ascii_case(s))
            }
        }

        /// In OpenAPI: a string, one of the codes.
        #[cfg(feature = "openapi")]
        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                utoipa::openapi::schema::ObjectBuilder::new()
                    .schema_type(utoipa::openapi::schema::Type::String)
                    .enum_values(Some([$($code),+]))
                    .into()
            }
        }
        #[cfg(feature = "openapi")]
        impl utoipa::ToSchema for $name {}

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.label())
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use crate::competency::Method;
    use crate::org::Gender;

    #[test]
    fn json_uses_the_stored_code_and_reads_the_old_names() {
        // The defect: the API and audit rows said "self_assessment" where the database says "self".
        assert_eq!(serde_json::to_string(&Method::SelfAssessment).unwrap(), "\"self\"");
        assert_eq!(serde_json::to_string(&Gender::L).unwrap(), "\"L\"");
        assert_eq!(serde_json::from_str::<Method>("\"self\"").unwrap(), Method::SelfAssessment);
        assert_eq!(serde_json::from_str::<Method>("\"self_assessment\"").unwrap(), Method::SelfAssessment);
        assert_eq!(serde_json::from_str::<Gender>("\"l\"").unwrap(), Gender::L);
        let err = serde_json::from_str::<Method>("\"magic\"").unwrap_err().to_string();
        assert!(err.contains("kode 'magic' tidak dikenal"), "{err}");
        let m: std::collections::BTreeMap<Method, u8> = serde_json::from_str(r#"{"self": 1, "uji_kompetensi": 2}"#).unwrap();
        assert_eq!(m.len(), 2);
    }
}
