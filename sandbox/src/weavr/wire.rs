//! JSON shapes and error answers of the Weavr APIs (contract WEAVR.md §3, §4, §7).
//! Unlike ZITADEL, Weavr keeps `false` and empty lists when they matter (`active`),
//! leaves optional fields out, and answers many errors with no body at all.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Product {
    Multi,
    PaymentRun,
}

impl Product {
    /// The name in paths and in the database.
    pub fn key(self) -> &'static str {
        match self {
            Product::Multi => "multi",
            Product::PaymentRun => "payment-run",
        }
    }

    /// Base path of the product's API in the sandbox.
    pub fn upstream_base(self) -> &'static str {
        match self {
            Product::Multi => "/weavr-upstream/multi",
            Product::PaymentRun => "/weavr-upstream/payment-run/v1",
        }
    }
}

/// The response header Weavr puts on (nearly) every answer.
pub const REQUEST_REF_HEADER: &str = "request-ref";

/// Adds a `request-ref` unless the answer has one or is a 409 (none declared there).
pub fn add_request_ref(response: &mut Response, request_ref: &str) {
    if response.status() == StatusCode::CONFLICT
        || response.headers().contains_key(REQUEST_REF_HEADER)
    {
        return;
    }
    if let Ok(value) = HeaderValue::from_str(request_ref) {
        response.headers_mut().insert(REQUEST_REF_HEADER, value);
    }
}

/// Multi's `IdentityId`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdentityRef {
    #[serde(rename = "type")]
    pub identity_type: String,
    pub id: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Mobile {
    pub country_code: String,
    pub number: String,
}

/// Payment Run's `addedBy`. The spec requires `roleNames` but names the property
/// `rolesNames`; the sandbox sends the property as named.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AddedBy {
    pub roles_names: Vec<String>,
    pub user_id: String,
}

/// Everything about an authorised user except `active`: the payload of
/// `weavr.user.added` and what the projection keeps. Multi users have `identity`,
/// Payment Run users `buyerId`, `roles` (CREATOR/CONTROLLER) and `addedBy`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Profile {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identity: Option<IdentityRef>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub buyer_id: Option<String>,
    pub name: String,
    pub surname: String,
    pub email: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mobile: Option<Mobile>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub roles: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub added_by: Option<AddedBy>,
}

/// The `User` object of both products.
#[derive(Debug, Serialize)]
pub struct UserJson<'a> {
    #[serde(flatten)]
    pub profile: &'a Profile,
    pub active: bool,
}

/// Response of `usersGet`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UsersResponse<'a> {
    pub users: Vec<UserJson<'a>>,
    pub count: u64,
    pub response_count: u64,
}

/// One entry of `syntaxErrors.invalidFields` in a 400.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct InvalidField {
    pub field_name: String,
    pub error: &'static str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub params: Vec<String>,
}

pub fn json(status: StatusCode, body: &impl Serialize) -> Response {
    match serde_json::to_vec(body) {
        Ok(bytes) => {
            let mut response = (status, bytes).into_response();
            response.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            );
            response
        }
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

/// A status with no body (204, 401, 403 on login, 413, 422, 423, 429, 5xx).
pub fn no_body(status: StatusCode) -> Response {
    status.into_response()
}

/// 400 with the fields that were wrong.
pub fn bad_request(invalid_fields: Vec<InvalidField>) -> Response {
    json(
        StatusCode::BAD_REQUEST,
        &serde_json::json!({
            "message": "Bad request",
            "syntaxErrors": { "invalidFields": invalid_fields },
        }),
    )
}

/// 400 for a body that is not what the operation takes.
pub fn bad_body(message: &str) -> Response {
    let message: String = message.chars().take(255).collect();
    json(
        StatusCode::BAD_REQUEST,
        &serde_json::json!({ "message": message }),
    )
}

pub fn user_not_found() -> Response {
    json(
        StatusCode::NOT_FOUND,
        &serde_json::json!({"code": "NOT_FOUND", "message": "User not found"}),
    )
}

pub fn insufficient_permissions() -> Response {
    json(
        StatusCode::FORBIDDEN,
        &serde_json::json!({"errorCode": "INSUFFICIENT_PERMISSIONS"}),
    )
}

/// 409 while a request with the same `idempotency-ref` is still running. The spec
/// declares no `request-ref` on 409, so none is added.
pub fn request_in_progress() -> Response {
    json(
        StatusCode::CONFLICT,
        &serde_json::json!({"errorCode": "IDEMPOTENT_REQUEST_IN_PROGRESS"}),
    )
}

/// An error answer in the style the specs declare for `status` (used by faults):
/// JSON where a body is declared, nothing where none is.
pub fn error_response(status: StatusCode, message: &str) -> Response {
    match status.as_u16() {
        400 => bad_body(message),
        403 => insufficient_permissions(),
        404 => json(
            status,
            &serde_json::json!({"code": "NOT_FOUND", "message": message}),
        ),
        409 => request_in_progress(),
        410 => json(status, &serde_json::json!({"errorCode": "TOKEN_EXPIRED"})),
        401 | 413 | 422 | 423 | 429 | 500..=599 => no_body(status),
        // The `default` response: the generic `Error` schema.
        _ => json(
            status,
            &serde_json::json!({
                "code": status.canonical_reason().unwrap_or("ERROR").to_uppercase().replace(' ', "_"),
                "message": message,
            }),
        ),
    }
}
