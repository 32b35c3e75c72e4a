//! Tolerant pieces of wire format shared by the provider modules.

use serde::{Deserialize, Deserializer};

use crate::domain::Timestamp;

/// A 64-bit integer, which grpc-gateway sends as a JSON string (`"366"`)
/// but which may also arrive as a number.
pub fn int64<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<u64>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Int64 {
        Number(u64),
        Text(String),
    }
    Ok(match Option::<Int64>::deserialize(deserializer)? {
        Some(Int64::Number(n)) => Some(n),
        Some(Int64::Text(s)) => Some(
            s.trim()
                .parse()
                .map_err(|_| serde::de::Error::custom(format!("“{s}” is not a whole number")))?,
        ),
        None => None,
    })
}

/// A timestamp that could not be read is left out rather than failing the
/// whole answer: the page then shows no date instead of a wrong one.
pub fn timestamp(text: Option<&str>) -> Option<Timestamp> {
    text.and_then(|t| Timestamp::parse(t).ok())
}

/// Some text, unless it is missing or empty (grpc-gateway omits empty strings,
/// but other servers send them).
pub fn non_empty(text: Option<String>) -> Option<String> {
    text.filter(|t| !t.trim().is_empty())
}
