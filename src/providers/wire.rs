//! Tolerant pieces of wire format shared by the provider modules.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize};

use crate::domain::Timestamp;
use crate::http::{ApiError, ApiResponse};
use crate::tr;

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

/// A request body as JSON text. Bodies are typed structs rather than
/// `serde_json::json!` values: building a `Value` key by key at each call
/// site, then writing it out, cost the bundle more than a derived writer.
pub fn to_json(body: &impl Serialize) -> String {
    // Cannot fail: every body is made of strings, numbers, booleans and lists.
    serde_json::to_string(body).unwrap_or_default()
}

/// The `query` of a ZITADEL list request: the offset (a 64-bit integer, so
/// text) when one is sent, the limit and the order.
#[derive(Serialize)]
pub struct ListQuery {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub offset: Option<String>,
    pub limit: u32,
    pub asc: bool,
}

impl ListQuery {
    /// The first `limit` items, oldest first, with offset `"0"`.
    pub fn first(limit: u32) -> ListQuery {
        ListQuery {
            offset: Some("0".to_string()),
            limit,
            asc: true,
        }
    }

    /// The first `limit` items, oldest first, no offset sent.
    pub fn first_without_offset(limit: u32) -> ListQuery {
        ListQuery {
            offset: None,
            limit,
            asc: true,
        }
    }
}

/// `{"query": …}`: a list request with no filter.
#[derive(Serialize)]
pub struct QueryOnly<Q> {
    pub query: Q,
}

/// A failed answer's body in the provider's error shape `T`, when it says
/// anything (`says_anything`); `None` when the body is not JSON at all (a
/// proxy's page: its status speaks). JSON that is not the provider's error
/// shape (cut short, or another service's) is quoted nowhere: the answer
/// could not be read.
pub fn error_body<T: DeserializeOwned>(
    response: &ApiResponse,
    says_anything: impl Fn(&T) -> bool,
) -> Result<Option<T>, ApiError> {
    let parsed = serde_json::from_str::<T>(&response.body)
        .ok()
        .filter(|body| says_anything(body));
    let looks_like_json = matches!(response.body.trim_start().chars().next(), Some('{' | '['));
    if parsed.is_none() && looks_like_json {
        return Err(ApiError::UnreadableAnswer {
            status: response.status,
            detail: tr!(errors.error_answer_unreadable, status = response.status),
        });
    }
    Ok(parsed)
}
