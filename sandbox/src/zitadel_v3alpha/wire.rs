//! JSON shapes of `zitadel.resources.object.v3alpha` for the v3alpha user writes,
//! written as grpc-gateway writes them (contract §1, §2.1).

use crate::schema_users::SchemaUserModel;
use serde::Serialize;

/// `zitadel.object.v3alpha.Owner`. The user handlers always send an org owner.
#[derive(Debug, Serialize)]
pub struct Owner {
    #[serde(rename = "type")]
    pub owner_type: &'static str,
    pub id: String,
}

/// `zitadel.resources.object.v3alpha.Details`, as `DomainToDetailsPb`
/// (`internal/api/grpc/resources/object/v3alpha/converter.go`) builds it from
/// `writeModelToObjectDetails`: `changed` is the write model's last event, and
/// `created` is never set there (the write model has no creation date).
#[derive(Debug, Serialize)]
pub struct Details {
    pub id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub changed: Option<String>,
    pub owner: Owner,
}

impl Details {
    pub fn of_change(user: &SchemaUserModel) -> Self {
        Details {
            id: user.id.clone(),
            changed: user.changed.map(|at| at.to_wire()),
            owner: Owner {
                owner_type: "OWNER_TYPE_ORG",
                id: user.resource_owner.clone(),
            },
        }
    }
}

/// Response of the state-change RPCs.
#[derive(Debug, Serialize)]
pub struct ChangeResponse {
    pub details: Details,
}
