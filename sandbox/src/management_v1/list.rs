//! `POST /management/v1/users/grants/_search` (ListUserGrants, contract §5.2/§5.3):
//! one SQL query over the grants of the request's organization.

use super::wire::{ListDetails, ListUserGrantsResponse, UserGrantJson};
use crate::api_kit::TEXT_METHODS;
use crate::errors::ApiError;
use crate::lag::ViewPosition;
use crate::query::{
    all_queries, as_enum, as_object, as_str, field, text_condition, Paging, SqlParams,
};
use crate::user_grants::{read_grant, SELECT_GRANT};
use rusqlite::Connection;
use serde_json::Value;

/// Text queries: key, the key of the searched text, the column.
const TEXT_QUERIES: [(&str, &str, &str); 8] = [
    ("userNameQuery", "userName", "u.username"),
    ("firstNameQuery", "firstName", "u.given_name"),
    ("lastNameQuery", "lastName", "u.family_name"),
    ("emailQuery", "email", "u.email"),
    ("displayNameQuery", "displayName", "u.display_name"),
    ("orgNameQuery", "orgName", "o.name"),
    ("orgDomainQuery", "orgDomain", "o.primary_domain"),
    ("projectNameQuery", "projectName", "p.name"),
];

const OTHER_QUERIES: [&str; 6] = [
    "projectIdQuery",
    "userIdQuery",
    "roleKeyQuery",
    "userTypeQuery",
    "withGrantedQuery",
    "projectGrantIdQuery",
];

const USER_TYPES: [&str; 3] = ["TYPE_UNSPECIFIED", "TYPE_HUMAN", "TYPE_MACHINE"];

#[derive(Debug)]
pub struct GrantSearch {
    paging: Paging,
    condition: String,
    params: SqlParams,
}

impl GrantSearch {
    pub fn parse(body: &Value) -> Result<Self, ApiError> {
        let request = as_object(body, "request")?;
        let paging = Paging::parse(request)?;
        let mut params = SqlParams::default();
        let condition = all_queries(request, &mut params, grant_query)?;
        Ok(GrantSearch {
            paging,
            condition,
            params,
        })
    }

    /// Runs the search over the grants owned by `org_id`, oldest first when `asc`, on
    /// the view of the projection at `view`.
    pub fn run(
        mut self,
        conn: &Connection,
        org_id: &str,
        view: ViewPosition,
    ) -> Result<ListUserGrantsResponse, ApiError> {
        let org = self.params.param(org_id.to_string());
        let where_clause = format!("WHERE g.org_id = {org} AND ({})", self.condition);
        let from = SELECT_GRANT
            .split_once(" FROM ")
            .map(|(_, from)| from)
            .unwrap_or_default();
        let total: i64 = self
            .params
            .count(conn, &format!("SELECT COUNT(*) FROM {from} {where_clause}"))?;
        let direction = self.paging.direction();
        let page = self.paging.limit_offset(&mut self.params);
        let sql = format!(
            "{SELECT_GRANT} {where_clause}
             ORDER BY g.created_at {direction}, g.id {direction} {page}"
        );
        let grants = self.params.rows(conn, &sql, read_grant)?;
        Ok(ListUserGrantsResponse {
            details: ListDetails::new(total as u64, view.processed_sequence, view.timestamp),
            result: grants.iter().map(UserGrantJson::from).collect(),
        })
    }
}

/// One `UserGrantQuery`: an object with exactly one query key.
fn grant_query(query: &Value, params: &mut SqlParams) -> Result<String, ApiError> {
    let query = as_object(query, "queries[]")?;
    let keys: Vec<&str> = TEXT_QUERIES
        .iter()
        .map(|(key, _, _)| *key)
        .chain(OTHER_QUERIES)
        .filter(|key| field(query, key).is_some())
        .collect();
    let key =
        match keys.as_slice() {
            [key] => *key,
            _ => return Err(ApiError::invalid_body(
                "each query needs exactly one UserGrantQuery key (userIdQuery, projectIdQuery, …)",
            )),
        };
    let body = as_object(field(query, key).unwrap_or(&Value::Null), key)?;
    let text = |name: &str| -> Result<String, ApiError> {
        Ok(match field(body, name) {
            Some(value) => as_str(value, name)?.to_string(),
            None => String::new(),
        })
    };
    if let Some((_, text_key, column)) = TEXT_QUERIES.iter().find(|(k, _, _)| *k == key) {
        return text_condition(body, text_key, &TEXT_METHODS, column, params);
    }
    match key {
        "projectIdQuery" => Ok(format!(
            "g.project_id = {}",
            params.param(text("projectId")?)
        )),
        "userIdQuery" => Ok(format!("g.user_id = {}", params.param(text("userId")?))),
        "roleKeyQuery" => {
            let matches = text_condition(body, "roleKey", &TEXT_METHODS, "value", params)?;
            Ok(format!(
                "EXISTS (SELECT 1 FROM json_each(g.role_keys) WHERE {matches})"
            ))
        }
        "userTypeQuery" => {
            let user_type = match field(body, "type") {
                Some(value) => as_enum(value, &USER_TYPES, "type")?,
                None => 0,
            };
            Ok(format!("u.user_type = {}", params.param(user_type as i64)))
        }
        // The sandbox has no project grants: every grant is on an own project.
        "withGrantedQuery" => Ok("1".to_string()),
        "projectGrantIdQuery" => Ok(format!("'' = {}", params.param(text("projectGrantId")?))),
        _ => Err(ApiError::internal(format!("unhandled grant query {key}"))),
    }
}
