//! `GET /auth/v1/users/me` (GetMyUser, `proto/zitadel/auth.proto`, handler
//! `internal/api/grpc/auth/user.go`, converter `UserToPb` in
//! `internal/api/grpc/user/converter.go` at v4.13.1): the caller's own user as a
//! `zitadel.user.v1.User`, for any authenticated caller (permission "authenticated").
//! The console reads it to know which user is the signed-in admin's own.

use crate::api_kit::v1::ObjectDetails;
use crate::auth::Caller;
use crate::db::Store;
use crate::errors::{json_response, ApiError, GrpcCode};
use crate::model::{User, UserKind};
use crate::users::find_user;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::Extension;
use serde_json::{json, Value};

pub async fn get_my_user(
    State(store): State<Store>,
    Extension(caller): Extension<Caller>,
) -> Result<Response, ApiError> {
    let user = store
        .call(move |conn| find_user(conn, &caller.user_id))
        .await?
        // GetUserByID's not-found error (`internal/query/user.go`).
        .ok_or_else(|| {
            ApiError::zitadel(GrpcCode::NotFound, "QUERY-Dfbg2", "Errors.User.NotFound")
        })?;
    Ok(json_response(
        StatusCode::OK,
        &json!({ "user": user_json(&user) }),
    ))
}

/// `UserToPb`: id, state, user name, login names, the human or machine, and the
/// view details (`ToViewDetailsPb`: all four fields). Empty proto3 strings and
/// `false` are left out, as protojson writes them.
fn user_json(user: &User) -> Value {
    let details = ObjectDetails {
        sequence: user.sequence,
        creation_date: Some(user.created.to_wire()),
        change_date: Some(user.changed.to_wire()),
        resource_owner: user.org_id.clone(),
    };
    let mut json = json!({
        "id": user.id,
        "details": details,
        "state": user.state.wire_name(),
        "userName": user.username,
        "loginNames": [user.login_name()],
        "preferredLoginName": user.login_name(),
    });
    let (key, kind) = match &user.kind {
        UserKind::Human(h) => (
            "human",
            json!({
                "profile": non_empty(json!({
                    "firstName": h.given_name,
                    "lastName": h.family_name,
                    "nickName": h.nick_name,
                    "displayName": h.display_name,
                    "preferredLanguage": h.preferred_language,
                    "gender": h.gender.wire_name(),
                })),
                "email": non_empty(json!({ "email": h.email, "isEmailVerified": h.email_verified })),
                "phone": non_empty(json!({ "phone": h.phone, "isPhoneVerified": h.phone_verified })),
            }),
        ),
        UserKind::Machine(m) => (
            "machine",
            non_empty(json!({
                "name": m.name,
                "description": m.description,
                "hasSecret": m.has_secret,
                "accessTokenType": m.access_token_type.wire_name(),
            })),
        ),
    };
    json[key] = kind;
    json
}

/// The object without the fields protojson leaves out: empty strings, `false`,
/// null and enums at their zero value.
fn non_empty(value: Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .filter(|(_, v)| {
                    !matches!(v, Value::Null | Value::Bool(false)) && v.as_str() != Some("")
                })
                .collect(),
        ),
        other => other,
    }
}
