//! GetUser as a future ZITADEL might answer it: no release implements it (v2.60.0 ...
//! v4.13.1 embed `UnimplementedZITADELUsersServer` without a GetUser), so this answers
//! only behind the sandbox's `v3alphaGetUser` switch, to test the console's use of
//! such an answer. The shape is `GetUserResponse` of
//! `proto/zitadel/resources/user/v3alpha/user_service.proto` at v4.13.1 (`GetUser` in
//! `user.proto`, `Contact` in `communication.proto`), written as grpc-gateway's
//! protojson writes it: zero values left out.

use crate::auth::{Caller, PERMISSION_USER_READ};
use crate::errors::{ApiError, GrpcCode};
use crate::events;
use crate::schema_users::{ModelState, SchemaUserModel, AGGREGATE_SCHEMA_USER};
use rusqlite::Connection;
use serde_json::{json, Map, Value};

/// The schema user `user_id`, for a caller with `user.read` in its organisation
/// (`checkPermission` as v2's GetUserByID does, `userCheckPermission`). An id that is
/// no living schema user is NotFound with the text of v2's (`Errors.User.NotFound`).
pub fn get_user(conn: &Connection, caller: &Caller, user_id: &str) -> Result<Value, ApiError> {
    let model = SchemaUserModel::load(conn, None, user_id)?;
    if !model.exists() {
        return Err(ApiError::zitadel(
            GrpcCode::NotFound,
            "QUERY-Dfbg2",
            "User could not be found",
        ));
    }
    caller.check_permission_on_user(PERMISSION_USER_READ, user_id, &model.resource_owner)?;
    let history = events::events_of(conn, AGGREGATE_SCHEMA_USER, user_id)?;
    let created = history.first();
    let payload = created.map(|event| &event.payload);
    let field = |name: &str| payload.and_then(|p| p.get(name)).cloned();

    let mut details = Map::new();
    details.insert("id".into(), json!(model.id));
    if let Some(event) = created {
        details.insert("created".into(), json!(event.created_at.to_wire()));
    }
    if let Some(changed) = model.changed {
        details.insert("changed".into(), json!(changed.to_wire()));
    }
    details.insert(
        "owner".into(),
        json!({"type": "OWNER_TYPE_ORG", "id": model.resource_owner}),
    );

    let mut user = Map::new();
    user.insert("details".into(), Value::Object(details));
    let mut schema = Map::new();
    if let Some(id) = field("schemaID") {
        schema.insert("id".into(), id);
    }
    if let Some(revision) = field("schemaRevision").filter(|r| r != &json!(0)) {
        schema.insert("revision".into(), revision);
    }
    if !schema.is_empty() {
        user.insert("schema".into(), Value::Object(schema));
    }
    if let Some(data) = field("data") {
        user.insert("data".into(), data);
    }
    if let Some(email) = field("email").filter(|e| e != &json!("")) {
        // `isVerified` false is a zero value: left out.
        user.insert("contact".into(), json!({"email": {"address": email}}));
    }
    user.insert("state".into(), json!(state_name(&model)));
    Ok(json!({ "user": user }))
}

/// `zitadel.resources.user.v3alpha.State`: it has LOCKED beside the states, as v2's
/// user state does, so a locked user reads as locked.
fn state_name(model: &SchemaUserModel) -> &'static str {
    match (model.state, model.locked) {
        (_, true) => "USER_STATE_LOCKED",
        (ModelState::Active, false) => "USER_STATE_ACTIVE",
        (ModelState::Inactive, false) => "USER_STATE_INACTIVE",
        (ModelState::Deleted, false) => "USER_STATE_DELETED",
        (ModelState::Unspecified, false) => "USER_STATE_UNSPECIFIED",
    }
}
