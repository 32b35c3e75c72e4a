//! `POST /resources/v3alpha/users/_search` (contract §6): the body is a JSON array of
//! filters, paging and sorting come in the query string.

use super::wire::{GetUser, ListDetails, SearchUsersResponse, HUMAN_SCHEMA, MACHINE_SCHEMA};
use crate::auth::Caller;
use crate::clock::Timestamp;
use crate::errors::{ApiError, GrpcCode};
use crate::query::{
    as_array, as_enum, as_object, as_str, as_uint, field, query_value, text_condition, SqlParams,
};
use crate::users::{read_user, SELECT_USER};
use rusqlite::Connection;
use serde_json::{Map, Value};

const DEFAULT_LIMIT: u64 = 100;
const MAX_LIMIT: u64 = 1000;

/// The v3 state of a row of `users u`: INACTIVE wins over the lock flag.
const V3_STATE_SQL: &str = "(CASE WHEN u.state = 2 THEN 2 WHEN u.locked = 1 THEN 4 ELSE 1 END)";
/// The schema type of a row: the sandbox's two schemas follow the user type.
const SCHEMA_TYPE_SQL: &str = "(CASE WHEN u.user_type = 2 THEN 'machine' ELSE 'human' END)";
const SCHEMA_ID_SQL: &str =
    "(CASE WHEN u.user_type = 2 THEN '69629026806480002' ELSE '69629026806480001' END)";

const STATES: [&str; 5] = [
    "USER_STATE_UNSPECIFIED",
    "USER_STATE_ACTIVE",
    "USER_STATE_INACTIVE",
    "USER_STATE_DELETED",
    "USER_STATE_LOCKED",
];

/// `TextFilterMethod`, numbered like the v2 text methods.
const TEXT_METHODS: [&str; 8] = [
    "TEXT_FILTER_METHOD_EQUALS",
    "TEXT_FILTER_METHOD_EQUALS_IGNORE_CASE",
    "TEXT_FILTER_METHOD_STARTS_WITH",
    "TEXT_FILTER_METHOD_STARTS_WITH_IGNORE_CASE",
    "TEXT_FILTER_METHOD_CONTAINS",
    "TEXT_FILTER_METHOD_CONTAINS_IGNORE_CASE",
    "TEXT_FILTER_METHOD_ENDS_WITH",
    "TEXT_FILTER_METHOD_ENDS_WITH_IGNORE_CASE",
];

/// Text filters: key, the key of the searched text, the column.
const TEXT_FILTERS: [(&str, &str, &str); 6] = [
    ("userIdFilter", "id", "u.id"),
    ("organizationIdFilter", "id", "u.org_id"),
    ("usernameFilter", "username", "u.username"),
    ("emailFilter", "address", "u.email"),
    ("phoneFilter", "number", "u.phone"),
    ("schemaTypeFilter", "type", SCHEMA_TYPE_SQL),
];

const OTHER_FILTERS: [&str; 5] = [
    "stateFilter",
    "schemaIdFilter",
    "orFilter",
    "andFilter",
    "notFilter",
];

/// `FieldName`, with the column each sorts by.
const SORTING_COLUMNS: [(&str, &str); 9] = [
    ("FIELD_NAME_UNSPECIFIED", "u.created_at"),
    ("FIELD_NAME_ID", "u.id"),
    ("FIELD_NAME_CREATION_DATE", "u.created_at"),
    ("FIELD_NAME_CHANGE_DATE", "u.changed_at"),
    ("FIELD_NAME_EMAIL", "u.email COLLATE NOCASE"),
    ("FIELD_NAME_PHONE", "u.phone"),
    ("FIELD_NAME_STATE", V3_STATE_SQL),
    ("FIELD_NAME_SCHEMA_ID", SCHEMA_ID_SQL),
    ("FIELD_NAME_SCHEMA_TYPE", SCHEMA_TYPE_SQL),
];

/// A parsed search, ready to run.
#[derive(Debug)]
pub struct UserSearch {
    offset: u64,
    limit: u64,
    desc: bool,
    sorting: usize,
    condition: String,
    params: SqlParams,
}

impl UserSearch {
    /// `filters` is the body (an array; an empty body means none), `query` the pairs of
    /// the query string.
    pub fn parse(filters: &Value, query: &[(String, String)]) -> Result<Self, ApiError> {
        let text = |key: &str| query_value(query, key).map(Value::from);
        let offset = match text("query.offset") {
            Some(value) => as_uint(&value, "query.offset")?,
            None => 0,
        };
        let limit = match text("query.limit") {
            Some(value) => as_uint(&value, "query.limit")?,
            None => 0,
        };
        if limit > MAX_LIMIT {
            return Err(ApiError::zitadel(
                GrpcCode::InvalidArgument,
                "QUERY-4M0fs",
                "Errors.Query.LimitExceeded",
            ));
        }
        let desc = match query_value(query, "query.desc") {
            None | Some("false") => false,
            Some("true") => true,
            Some(other) => {
                return Err(ApiError::invalid_body(&format!(
                    "query.desc: `{other}` is not a boolean"
                )))
            }
        };
        let sorting = match query_value(query, "sortingColumn") {
            None => 0,
            Some(value) => {
                let value = value
                    .parse::<u64>()
                    .map(Value::from)
                    .unwrap_or_else(|_| Value::from(value));
                as_enum(&value, &SORTING_COLUMNS.map(|(n, _)| n), "sortingColumn")?
            }
        };
        let mut params = SqlParams::default();
        let condition = combine(as_array(filters, "filters")?, &mut params, "AND", "1")?;
        Ok(UserSearch {
            offset,
            limit: if limit == 0 { DEFAULT_LIMIT } else { limit },
            desc,
            sorting,
            condition,
            params,
        })
    }

    /// Runs the search over the users `caller` may read (others are left out).
    pub fn run(
        mut self,
        conn: &Connection,
        caller: &Caller,
    ) -> Result<SearchUsersResponse, ApiError> {
        let permission = match caller.readable_orgs() {
            None => "1".to_string(),
            Some(orgs) => {
                let mut allowed: Vec<String> =
                    orgs.into_iter().map(|org| self.params.param(org)).collect();
                allowed.push("NULL".to_string());
                let me = self.params.param(caller.user_id.clone());
                format!("(u.org_id IN ({}) OR u.id = {me})", allowed.join(", "))
            }
        };
        let where_clause = format!("WHERE {} AND {permission}", self.condition);
        let total: i64 = self.params.count(
            conn,
            &format!("SELECT COUNT(*) FROM users u JOIN orgs o ON o.id = u.org_id {where_clause}"),
        )?;
        let direction = if self.desc { "DESC" } else { "ASC" };
        let limit = self.params.param(self.limit as i64);
        let offset = self.params.param(self.offset.min(i64::MAX as u64) as i64);
        let sql = format!(
            "{SELECT_USER} {where_clause} ORDER BY {} {direction}, u.id {direction}
             LIMIT {limit} OFFSET {offset}",
            SORTING_COLUMNS[self.sorting].1
        );
        let users = self.params.rows(conn, &sql, read_user)?;
        Ok(SearchUsersResponse {
            details: ListDetails {
                applied_limit: self.limit,
                total_result: total as u64,
                timestamp: Timestamp::now().to_wire(),
            },
            result: users.iter().map(GetUser::from).collect(),
        })
    }
}

fn combine(
    filters: &[Value],
    params: &mut SqlParams,
    operator: &str,
    when_empty: &str,
) -> Result<String, ApiError> {
    if filters.is_empty() {
        return Ok(when_empty.to_string());
    }
    let parts = filters
        .iter()
        .map(|filter| search_filter(filter, params))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(format!("({})", parts.join(&format!(" {operator} "))))
}

/// One `SearchFilter`: an object with exactly one filter key.
fn search_filter(filter: &Value, params: &mut SqlParams) -> Result<String, ApiError> {
    let filter = as_object(filter, "filters[]")?;
    let keys: Vec<&str> = TEXT_FILTERS
        .iter()
        .map(|(key, _, _)| *key)
        .chain(OTHER_FILTERS)
        .filter(|key| field(filter, key).is_some())
        .collect();
    let key = match keys.as_slice() {
        [key] => *key,
        _ => {
            return Err(ApiError::invalid_body(
                "each filter needs exactly one of userIdFilter, organizationIdFilter, \
                 usernameFilter, emailFilter, phoneFilter, stateFilter, schemaIdFilter, \
                 schemaTypeFilter, orFilter, andFilter, notFilter",
            ))
        }
    };
    let body = as_object(field(filter, key).unwrap_or(&Value::Null), key)?;
    if let Some((_, text_key, column)) = TEXT_FILTERS.iter().find(|(k, _, _)| *k == key) {
        return text_condition(body, text_key, &TEXT_METHODS, column, params);
    }
    match key {
        "stateFilter" => {
            let state = match field(body, "state") {
                Some(value) => as_enum(value, &STATES, "state")?,
                None => 0,
            };
            Ok(format!("{V3_STATE_SQL} = {}", params.param(state as i64)))
        }
        "schemaIdFilter" => {
            let id = match field(body, "id") {
                Some(value) => as_str(value, "id")?,
                None => "",
            };
            let user_type = if id == HUMAN_SCHEMA.0 {
                1
            } else if id == MACHINE_SCHEMA.0 {
                2
            } else {
                0
            };
            Ok(format!("u.user_type = {}", params.param(user_type)))
        }
        "orFilter" => combine(nested(body)?, params, "OR", "0"),
        "andFilter" => combine(nested(body)?, params, "AND", "1"),
        "notFilter" => {
            let inner = field(body, "query")
                .ok_or_else(|| ApiError::invalid_body("notFilter needs a query"))?;
            Ok(format!("NOT ({})", search_filter(inner, params)?))
        }
        _ => Err(ApiError::internal(format!("unhandled filter {key}"))),
    }
}

fn nested(body: &Map<String, Value>) -> Result<&[Value], ApiError> {
    match field(body, "queries") {
        Some(value) => Ok(as_array(value, "queries")?.as_slice()),
        None => Ok(&[]),
    }
}
