//! Error responses in the shape ZITADEL's REST gateway sends (contract §8.1):
//! a serialised `google.rpc.Status` whose `code` is the numeric gRPC code, and,
//! for errors raised by ZITADEL itself, one `zitadel.v1.ErrorDetail`.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

/// The gRPC status codes the sandbox uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GrpcCode {
    InvalidArgument = 3,
    NotFound = 5,
    PermissionDenied = 7,
    FailedPrecondition = 9,
    Unimplemented = 12,
    Internal = 13,
    Unauthenticated = 16,
}

impl GrpcCode {
    /// grpc-gateway's `runtime.HTTPStatusFromCode` (contract §8.2).
    pub fn http_status(self) -> StatusCode {
        match self {
            GrpcCode::InvalidArgument | GrpcCode::FailedPrecondition => StatusCode::BAD_REQUEST,
            GrpcCode::NotFound => StatusCode::NOT_FOUND,
            GrpcCode::PermissionDenied => StatusCode::FORBIDDEN,
            GrpcCode::Unimplemented => StatusCode::NOT_IMPLEMENTED,
            GrpcCode::Internal => StatusCode::INTERNAL_SERVER_ERROR,
            GrpcCode::Unauthenticated => StatusCode::UNAUTHORIZED,
        }
    }
}

/// An error answer of the API. Build it with the constructors below; it turns into
/// the HTTP response through `IntoResponse`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: GrpcCode,
    pub message: String,
    /// `(id, message)` of the `zitadel.v1.ErrorDetail`, absent for errors that do not
    /// come from ZITADEL's error package (routing errors, some auth failures).
    pub detail: Option<(String, String)>,
}

impl ApiError {
    /// An error raised by ZITADEL's error package: the message reads `"<text> (<id>)"`
    /// and the detail repeats id and text.
    pub fn zitadel(code: GrpcCode, id: &str, text: &str) -> Self {
        ApiError {
            status: code.http_status(),
            code,
            message: format!("{text} ({id})"),
            detail: Some((id.to_string(), text.to_string())),
        }
    }

    /// An error without a ZITADEL detail, e.g. from the gateway itself.
    pub fn plain(status: StatusCode, code: GrpcCode, message: &str) -> Self {
        ApiError {
            status,
            code,
            message: message.to_string(),
            detail: None,
        }
    }

    /// The gateway's answer for a path no route matches.
    pub fn route_not_found() -> Self {
        Self::plain(StatusCode::NOT_FOUND, GrpcCode::NotFound, "Not Found")
    }

    /// The gateway's answer for a known path with an unsupported method.
    pub fn method_not_allowed() -> Self {
        Self::plain(
            StatusCode::METHOD_NOT_ALLOWED,
            GrpcCode::Unimplemented,
            "Method Not Allowed",
        )
    }

    /// A request body that is not the JSON object the RPC expects.
    pub fn invalid_body(reason: &str) -> Self {
        Self::plain(
            StatusCode::BAD_REQUEST,
            GrpcCode::InvalidArgument,
            &format!("invalid request body: {reason}"),
        )
    }

    /// Commands and queries answer a missing permission with this: `CheckPermission`
    /// in `internal/api/authz/permissions.go` (v4.13.1). `AUTHZ-HKJD33` exists only in
    /// ZITADEL's test mocks.
    pub fn permission_denied() -> Self {
        Self::zitadel(
            GrpcCode::PermissionDenied,
            "AUTH-AWfge",
            "No matching permissions found",
        )
    }

    /// Something broke inside the sandbox (database, worker thread). The cause is logged
    /// to stderr and, this being a local test server, also put in the message.
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        eprintln!("sandbox: internal error: {cause}");
        Self::plain(
            StatusCode::INTERNAL_SERVER_ERROR,
            GrpcCode::Internal,
            &format!("internal error: {cause}"),
        )
    }

    /// The JSON body, as grpc-gateway serialises it.
    pub fn body(&self) -> serde_json::Value {
        // Serialising plain structs of strings cannot fail.
        serde_json::to_value(self.status_body()).unwrap_or_default()
    }

    /// `google.rpc.Status`, fields in proto order.
    fn status_body(&self) -> StatusBody<'_> {
        StatusBody {
            code: self.code as i32,
            message: &self.message,
            details: self
                .detail
                .iter()
                .map(|(id, message)| ErrorDetail {
                    type_url: "type.googleapis.com/zitadel.v1.ErrorDetail",
                    id,
                    message,
                })
                .collect(),
        }
    }
}

impl From<rusqlite::Error> for ApiError {
    fn from(err: rusqlite::Error) -> Self {
        ApiError::internal(format!("database: {err}"))
    }
}

#[derive(Serialize)]
struct StatusBody<'a> {
    code: i32,
    message: &'a str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    details: Vec<ErrorDetail<'a>>,
}

#[derive(Serialize)]
struct ErrorDetail<'a> {
    #[serde(rename = "@type")]
    type_url: &'static str,
    id: &'a str,
    message: &'a str,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = json_response(self.status, &self.status_body());
        // For `i18n::apply`, which gives the text in the caller's language.
        response.extensions_mut().insert(self);
        response
    }
}

/// A JSON response with the given status and `Content-Type: application/json`.
pub fn json_response(status: StatusCode, body: &impl Serialize) -> Response {
    match serde_json::to_vec(body) {
        Ok(bytes) => {
            let mut response = (status, bytes).into_response();
            response.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            );
            response
        }
        Err(err) => ApiError::internal(format!("serialising response: {err}")).into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zitadel_error_has_message_with_id_and_one_detail() {
        let err = ApiError::zitadel(
            GrpcCode::FailedPrecondition,
            "COMMAND-5gunjw0cd7",
            "User already inactive",
        );
        assert_eq!(err.status, StatusCode::BAD_REQUEST);
        assert_eq!(
            err.body(),
            serde_json::json!({
                "code": 9,
                "message": "User already inactive (COMMAND-5gunjw0cd7)",
                "details": [{
                    "@type": "type.googleapis.com/zitadel.v1.ErrorDetail",
                    "id": "COMMAND-5gunjw0cd7",
                    "message": "User already inactive"
                }]
            })
        );
    }

    #[test]
    fn gateway_errors_have_no_details() {
        assert_eq!(
            ApiError::route_not_found().body(),
            serde_json::json!({"code": 5, "message": "Not Found"})
        );
        let err = ApiError::method_not_allowed();
        assert_eq!(err.status, StatusCode::METHOD_NOT_ALLOWED);
        assert_eq!(
            err.body(),
            serde_json::json!({"code": 12, "message": "Method Not Allowed"})
        );
    }
}
