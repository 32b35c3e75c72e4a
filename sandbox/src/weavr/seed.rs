//! The Weavr data a new database starts with: one corporate identity (Multi) that is
//! also the buyer (Payment Run), six authorised users in each product (separate rows,
//! so the products never see each other's changes), and fixed tokens.

use super::store::{self, UserAdded};
use super::wire::Product;
use super::wire::{AddedBy, IdentityRef, Mobile, Profile};
use crate::clock::Timestamp;
use crate::errors::ApiError;
use crate::events::{event_type, NewEvent, AGGREGATE_WEAVR_USER, SYSTEM_ACTOR};
use crate::journal;
use chrono::Duration;
use rusqlite::Connection;

pub use super::account::{ADMIN_EMAIL, ADMIN_ID, ADMIN_NAME, ADMIN_PASSWORD, IDENTITY_ID};

/// Fixed tokens, valid on both products; sandbox-only values, printed at start.
pub const ADMIN_TOKEN: &str = "sandbox-weavr-admin-token";
pub const CREATOR_TOKEN: &str = "sandbox-weavr-creator-token";

pub mod ids {
    pub const ADA: &str = "110747174434373672";
    pub const GRACE: &str = "110747174434373673";
    pub const ALAN: &str = "110747174434373674";
    pub const KATHERINE: &str = "110747174434373675";
    pub const EDSGER: &str = "110747174434373676";
    pub const BARBARA: &str = "110747174434373677";
}

/// The user holding `CREATOR_TOKEN`: a Payment Run CREATOR, not ADMIN.
pub const CREATOR_USER_ID: &str = ids::BARBARA;

struct SeedUser {
    id: &'static str,
    name: &'static str,
    surname: &'static str,
    email: &'static str,
    active: bool,
    /// Payment Run roles (`CREATOR`, `CONTROLLER`).
    roles: &'static [&'static str],
}

const USERS: [SeedUser; 6] = [
    SeedUser {
        id: ids::ADA,
        name: "Ada",
        surname: "Lovelace",
        email: "ada@example.com",
        active: true,
        roles: &["CREATOR"],
    },
    SeedUser {
        id: ids::GRACE,
        name: "Grace",
        surname: "Hopper",
        email: "grace@example.com",
        active: true,
        roles: &["CONTROLLER"],
    },
    SeedUser {
        id: ids::ALAN,
        name: "Alan",
        surname: "Turing",
        email: "alan@example.com",
        active: false,
        roles: &["CREATOR"],
    },
    SeedUser {
        id: ids::KATHERINE,
        name: "Katherine",
        surname: "Johnson",
        email: "katherine@example.com",
        active: true,
        roles: &["CREATOR", "CONTROLLER"],
    },
    SeedUser {
        id: ids::EDSGER,
        name: "Edsger",
        surname: "Dijkstra",
        email: "edsger@example.com",
        active: false,
        roles: &["CONTROLLER"],
    },
    SeedUser {
        id: ids::BARBARA,
        name: "Barbara",
        surname: "Liskov",
        email: "barbara@example.com",
        active: true,
        roles: &["CREATOR"],
    },
];

fn profile(product: Product, user: &SeedUser) -> Profile {
    let mobile = (user.id == ids::ADA).then(|| Mobile {
        country_code: "+44".into(),
        number: "7700900123".into(),
    });
    match product {
        Product::Multi => Profile {
            id: user.id.into(),
            identity: Some(IdentityRef {
                identity_type: "CORPORATE".into(),
                id: IDENTITY_ID.into(),
            }),
            buyer_id: None,
            name: user.name.into(),
            surname: user.surname.into(),
            email: user.email.into(),
            mobile,
            roles: Vec::new(),
            added_by: None,
        },
        Product::PaymentRun => Profile {
            id: user.id.into(),
            identity: None,
            buyer_id: Some(IDENTITY_ID.into()),
            name: user.name.into(),
            surname: user.surname.into(),
            email: user.email.into(),
            mobile,
            roles: user.roles.iter().map(|r| r.to_string()).collect(),
            added_by: Some(AddedBy {
                roles_names: vec!["ADMIN".into()],
                user_id: ADMIN_ID.into(),
            }),
        },
    }
}

/// Seeds users (through events) and tokens; runs inside the seeding transaction.
pub fn seed(conn: &Connection, now: Timestamp) -> Result<(), ApiError> {
    let start = now.plus(-Duration::days(6));
    for product in [Product::Multi, Product::PaymentRun] {
        for (k, user) in USERS.iter().enumerate() {
            let added_at = start.plus(Duration::minutes(53 * k as i64));
            let aggregate_id = store::aggregate_id(product, user.id);
            let event = |event_type, payload, at| NewEvent {
                aggregate_type: AGGREGATE_WEAVR_USER,
                aggregate_id: &aggregate_id,
                resource_owner: IDENTITY_ID,
                event_type,
                actor: SYSTEM_ACTOR,
                reason: None,
                payload,
                at: Some(at),
            };
            let added = UserAdded {
                product: product.key().to_string(),
                profile: profile(product, user),
            };
            let payload = serde_json::to_value(&added)
                .map_err(|err| ApiError::internal(format!("seed payload: {err}")))?;
            journal::record(conn, event(event_type::WEAVR_USER_ADDED, payload, added_at))?;
            if !user.active {
                let at = added_at.plus(Duration::days(1));
                let payload = serde_json::json!({});
                journal::record(conn, event(event_type::WEAVR_USER_DEACTIVATED, payload, at))?;
            }
        }
    }
    store::add_token(conn, ADMIN_TOKEN, None, ADMIN_ID, &["ADMIN"], true)?;
    store::add_token(
        conn,
        CREATOR_TOKEN,
        None,
        CREATOR_USER_ID,
        &["CREATOR"],
        true,
    )?;
    Ok(())
}
