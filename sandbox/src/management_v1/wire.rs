//! JSON shapes of `zitadel.v1`, `zitadel.user.v1` for user grants (contract §2.3,
//! §2.4, §5.3) and `zitadel.org.v1`, written as grpc-gateway writes them: default
//! values left out, 64-bit integers as strings, fields in proto order.

use crate::clock::Timestamp;
use crate::events::Event;
use crate::model::UserType;
use crate::orgs::Org;
use crate::user_grants::Grant;
use serde::{Serialize, Serializer};

fn is_zero(n: &u64) -> bool {
    *n == 0
}

fn u64_as_string<S: Serializer>(n: &u64, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(&n.to_string())
}

/// `zitadel.v1.ObjectDetails`. Which fields are set depends on ZITADEL's converter.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ObjectDetails {
    #[serde(serialize_with = "u64_as_string", skip_serializing_if = "is_zero")]
    pub sequence: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub creation_date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub change_date: Option<String>,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub resource_owner: String,
}

impl ObjectDetails {
    /// `DomainToChangeDetailsPb` after a write: the event written, no creation date.
    pub fn of_change(event: &Event) -> Self {
        ObjectDetails {
            sequence: event.sequence,
            creation_date: None,
            change_date: Some(event.created_at.to_wire()),
            resource_owner: event.resource_owner.clone(),
        }
    }

    /// The same converter when an idempotent repeat wrote nothing: the grant's last
    /// event, i.e. the details are unchanged.
    pub fn unchanged(grant: &Grant) -> Self {
        ObjectDetails {
            sequence: grant.sequence,
            creation_date: None,
            change_date: Some(grant.changed.to_wire()),
            resource_owner: grant.org_id.clone(),
        }
    }

    /// `ToViewDetailsPb` on reads: all four fields.
    pub fn of_view(grant: &Grant) -> Self {
        ObjectDetails {
            sequence: grant.sequence,
            creation_date: Some(grant.created.to_wire()),
            change_date: Some(grant.changed.to_wire()),
            resource_owner: grant.org_id.clone(),
        }
    }
}

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

/// `zitadel.v1.ListDetails`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ListDetails {
    #[serde(serialize_with = "u64_as_string", skip_serializing_if = "is_zero")]
    pub total_result: u64,
    #[serde(serialize_with = "u64_as_string", skip_serializing_if = "is_zero")]
    pub processed_sequence: u64,
    pub view_timestamp: String,
}

impl ListDetails {
    pub fn new(total_result: u64, processed_sequence: u64, at: Timestamp) -> Self {
        ListDetails {
            total_result,
            processed_sequence,
            view_timestamp: at.to_wire(),
        }
    }
}

/// Response of `ListUserGrants`.
#[derive(Debug, Serialize)]
pub struct ListUserGrantsResponse {
    pub details: ListDetails,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub result: Vec<UserGrantJson>,
}

/// `zitadel.org.v1.Org`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OrgJson {
    pub id: String,
    pub details: ObjectDetails,
    pub state: &'static str,
    pub name: String,
    pub primary_domain: String,
}

impl From<&Org> for OrgJson {
    fn from(org: &Org) -> Self {
        OrgJson {
            id: org.id.clone(),
            // An org owns itself. The sandbox's orgs have no events, so no sequence,
            // and they never changed since their creation.
            details: ObjectDetails {
                sequence: 0,
                creation_date: Some(org.created.to_wire()),
                change_date: Some(org.created.to_wire()),
                resource_owner: org.id.clone(),
            },
            state: "ORG_STATE_ACTIVE",
            name: org.name.clone(),
            primary_domain: org.primary_domain.clone(),
        }
    }
}

/// Response of `GetMyOrg`.
#[derive(Debug, Serialize)]
pub struct GetMyOrgResponse {
    pub org: OrgJson,
}

/// Response of the auth API's `ListMyProjectOrgs`.
#[derive(Debug, Serialize)]
pub struct ListOrgsResponse {
    pub details: ListDetails,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub result: Vec<OrgJson>,
}
