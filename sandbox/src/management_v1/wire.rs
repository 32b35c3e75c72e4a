//! JSON shapes of `zitadel.v1`, `zitadel.user.v1` for user grants (contract §2.3,
//! §2.4, §5.3) and `zitadel.org.v1`, written as grpc-gateway writes them: default
//! values left out, 64-bit integers as strings, fields in proto order.

pub use crate::api_kit::v1::{ListDetails, ObjectDetails, OrgJson};
use crate::model::UserType;
use crate::user_grants::Grant;
use serde::Serialize;

/// `{"details": …}` of the grant commands.
#[derive(Debug, Serialize)]
pub struct ChangeResponse {
    pub details: ObjectDetails,
}

/// `zitadel.user.v1.UserGrant`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UserGrantJson {
    pub id: String,
    pub details: ObjectDetails,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub role_keys: Vec<String>,
    pub state: &'static str,
    pub user_id: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub user_name: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub first_name: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub last_name: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub email: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub display_name: String,
    pub org_id: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub org_name: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub org_domain: String,
    pub project_id: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub project_name: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub preferred_login_name: String,
    pub user_type: &'static str,
}

impl From<&Grant> for UserGrantJson {
    fn from(grant: &Grant) -> Self {
        UserGrantJson {
            id: grant.id.clone(),
            details: ObjectDetails::of_view(grant),
            role_keys: grant.role_keys.clone(),
            state: grant.state.wire_name(),
            user_id: grant.user_id.clone(),
            user_name: grant.user_name.clone(),
            first_name: grant.first_name.clone(),
            last_name: grant.last_name.clone(),
            email: grant.email.clone(),
            display_name: grant.display_name.clone(),
            org_id: grant.org_id.clone(),
            org_name: grant.org_name.clone(),
            org_domain: grant.org_domain.clone(),
            project_id: grant.project_id.clone(),
            project_name: grant.project_name.clone(),
            preferred_login_name: grant.preferred_login_name.clone(),
            user_type: match grant.user_type {
                UserType::Human => "TYPE_HUMAN",
                UserType::Machine => "TYPE_MACHINE",
            },
        }
    }
}

/// Response of `GetUserGrantByID`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GetUserGrantResponse {
    pub user_grant: UserGrantJson,
}

/// Response of `ListUserGrants`.
#[derive(Debug, Serialize)]
pub struct ListUserGrantsResponse {
    pub details: ListDetails,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub result: Vec<UserGrantJson>,
}

/// Response of `GetMyOrg`.
#[derive(Debug, Serialize)]
pub struct GetMyOrgResponse {
    pub org: OrgJson,
}
