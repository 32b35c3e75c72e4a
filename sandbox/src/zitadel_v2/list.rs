//! `POST /v2/users` (ListUsers): the search request is turned into one SQL query over
//! the users projection (contract §4.2, `internal/api/grpc/user/v2/query.go`).
//!
//! The request is read from a `serde_json::Value` rather than typed structs because
//! protojson accepts both the camelCase and the proto snake_case name of each field,
//! numbers or strings for integers, and names or numbers for enums.

use super::wire::{ListDetails, ListUsersResponse, UserJson};
use crate::api_kit::TEXT_METHODS;
use crate::auth::Caller;
use crate::errors::{ApiError, GrpcCode};
use crate::lag::ViewPosition;
use crate::query::{
    as_array, as_enum, as_object, as_str, field, text_condition, text_match, Paging, SqlParams,
};
use crate::users::{read_user, SELECT_USER};
use serde_json::{Map, Value};

/// `queries` may nest `orQuery`/`andQuery`/`notQuery` this deep.
const MAX_NESTING: usize = 20;

/// A parsed ListUsers request, ready to run.
#[derive(Debug)]
pub struct UserSearch {
    paging: Paging,
    sorting: SortingColumn,
    /// The `WHERE` condition built from `queries`, and its parameters.
    condition: String,
    params: SqlParams,
}

/// Text filters: request key, the key of the searched value, and the column.
const TEXT_QUERIES: [(&str, &str, &str); 8] = [
    ("userNameQuery", "userName", "u.username"),
    ("firstNameQuery", "firstName", "u.given_name"),
    ("lastNameQuery", "lastName", "u.family_name"),
    ("nickNameQuery", "nickName", "u.nick_name"),
    ("displayNameQuery", "displayName", "u.display_name"),
    ("emailQuery", "emailAddress", "u.email"),
    ("phoneQuery", "number", "u.phone"),
    (
        "loginNameQuery",
        "loginName",
        "(u.username || '@' || o.primary_domain)",
    ),
];

const OTHER_QUERIES: [&str; 8] = [
    "stateQuery",
    "typeQuery",
    "organizationIdQuery",
    "inUserIdsQuery",
    "inUserEmailsQuery",
    "orQuery",
    "andQuery",
    "notQuery",
];

const STATES: [&str; 6] = [
    "USER_STATE_UNSPECIFIED",
    "USER_STATE_ACTIVE",
    "USER_STATE_INACTIVE",
    "USER_STATE_DELETED",
    "USER_STATE_LOCKED",
    "USER_STATE_INITIAL",
];

const TYPES: [&str; 3] = ["TYPE_UNSPECIFIED", "TYPE_HUMAN", "TYPE_MACHINE"];

/// `zitadel.user.v2.UserFieldName`, with the column each sorts by.
const SORTING_COLUMNS: [(&str, &str); 10] = [
    ("USER_FIELD_NAME_UNSPECIFIED", "u.id"),
    ("USER_FIELD_NAME_USER_NAME", "u.username COLLATE NOCASE"),
    ("USER_FIELD_NAME_FIRST_NAME", "u.given_name COLLATE NOCASE"),
    ("USER_FIELD_NAME_LAST_NAME", "u.family_name COLLATE NOCASE"),
    ("USER_FIELD_NAME_NICK_NAME", "u.nick_name COLLATE NOCASE"),
    (
        "USER_FIELD_NAME_DISPLAY_NAME",
        "u.display_name COLLATE NOCASE",
    ),
    ("USER_FIELD_NAME_EMAIL", "u.email COLLATE NOCASE"),
    ("USER_FIELD_NAME_STATE", "u.state"),
    ("USER_FIELD_NAME_TYPE", "u.user_type"),
    ("USER_FIELD_NAME_CREATION_DATE", "u.created_at"),
];

#[derive(Debug, Clone, Copy)]
struct SortingColumn(usize);

impl SortingColumn {
    fn sql(self) -> &'static str {
        SORTING_COLUMNS[self.0].1
    }
}

impl UserSearch {
    /// Parses the JSON body of a ListUsers request.
    pub fn parse(body: &Value) -> Result<Self, ApiError> {
        let request = as_object(body, "request")?;
        let paging = Paging::parse(request)?;
        let sorting = match field(request, "sortingColumn") {
            Some(value) => SortingColumn(as_enum(
                value,
                &SORTING_COLUMNS.map(|(name, _)| name),
                "sortingColumn",
            )?),
            None => SortingColumn(0),
        };
        let mut params = SqlParams::default();
        let queries = match field(request, "queries") {
            Some(value) => as_array(value, "queries")?.as_slice(),
            None => &[],
        };
        let condition = all_of(queries, 0, &mut params)?;
        Ok(UserSearch {
            paging,
            sorting,
            condition,
            params,
        })
    }

    /// Runs the search, limited to the users `caller` may read (others are left out,
    /// with no error, as ZITADEL does), on the view of the projection at `view`.
    /// `overcount`: as v2.58-v2.71, v3.0-v3.4 and v4.0-v4.5 (`internal/query/user.go`,
    /// `SearchUsers` then `usersCheckPermission`), page first, then drop the rows the
    /// caller may not read, and keep them in `totalResult`.
    pub fn run(
        mut self,
        conn: &rusqlite::Connection,
        caller: &Caller,
        view: ViewPosition,
        overcount: bool,
    ) -> Result<ListUsersResponse, ApiError> {
        let readable = caller.readable_orgs();
        let permission = match (&readable, overcount) {
            (None, _) | (_, true) => "1".to_string(),
            (Some(orgs), false) => {
                let mut allowed: Vec<String> = orgs
                    .iter()
                    .map(|org| self.params.param(org.clone()))
                    .collect();
                allowed.push("NULL".to_string());
                let me = self.params.param(caller.user_id.clone());
                format!("(u.org_id IN ({}) OR u.id = {me})", allowed.join(", "))
            }
        };
        let where_clause = format!("WHERE {} AND {permission}", self.condition);
        let count_sql =
            format!("SELECT COUNT(*) FROM users u JOIN orgs o ON o.id = u.org_id {where_clause}");
        let total: i64 = self.params.count(conn, &count_sql)?;
        let direction = self.paging.direction();
        let page = self.paging.limit_offset(&mut self.params);
        let select_sql = format!(
            "{SELECT_USER} {where_clause} ORDER BY {} {direction}, u.id {direction}
             {page}",
            self.sorting.sql()
        );
        let mut users = self.params.rows(conn, &select_sql, read_user)?;
        if let Some(orgs) = &readable {
            users.retain(|user| user.id == caller.user_id || orgs.contains(&user.org_id));
        }
        Ok(ListUsersResponse {
            details: ListDetails::new(total as u64, view.processed_sequence, view.timestamp),
            result: users.iter().map(UserJson::from).collect(),
        })
    }
}

/// Top-level `queries` are combined with AND.
fn all_of(queries: &[Value], level: usize, params: &mut SqlParams) -> Result<String, ApiError> {
    combine(queries, level, params, "AND", "1")
}

/// Joins the conditions of `queries` with `operator`; `when_empty` stands for none.
fn combine(
    queries: &[Value],
    level: usize,
    params: &mut SqlParams,
    operator: &str,
    when_empty: &str,
) -> Result<String, ApiError> {
    if queries.is_empty() {
        return Ok(when_empty.to_string());
    }
    let parts = queries
        .iter()
        .map(|query| search_query(query, level, params))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(format!("({})", parts.join(&format!(" {operator} "))))
}

/// One `SearchQuery`: an object with exactly one of the query keys.
fn search_query(query: &Value, level: usize, params: &mut SqlParams) -> Result<String, ApiError> {
    if level > MAX_NESTING {
        return Err(ApiError::zitadel(
            GrpcCode::InvalidArgument,
            "USER-zsQ97",
            "Too many query nesting levels (Max 20)",
        ));
    }
    let query = as_object(query, "queries[]")?;
    let known_keys = TEXT_QUERIES
        .iter()
        .map(|(key, _, _)| *key)
        .chain(OTHER_QUERIES)
        .filter(|key| field(query, key).is_some())
        .collect::<Vec<_>>();
    let key = match known_keys.as_slice() {
        [key] => *key,
        [] => {
            return Err(ApiError::zitadel(
                GrpcCode::InvalidArgument,
                "GRPC-vR9nC",
                "List.Query.Invalid",
            ))
        }
        _ => {
            return Err(ApiError::invalid_body(&format!(
                "a search query sets more than one of {}",
                known_keys.join(", ")
            )))
        }
    };
    let body = field(query, key).unwrap_or(&Value::Null);
    let body = as_object(body, key)?;

    if key == "loginNameQuery" {
        if let Some(condition) = login_name_equals(body, params)? {
            return Ok(condition);
        }
    }
    if let Some((_, value_key, column)) = TEXT_QUERIES.iter().find(|(k, _, _)| *k == key) {
        return text_condition(body, value_key, &TEXT_METHODS, column, params);
    }

    match key {
        "stateQuery" => {
            let state = match field(body, "state") {
                Some(value) => as_enum(value, &STATES, "state")?,
                None => 0,
            };
            Ok(format!("u.state = {}", params.param(state as i64)))
        }
        "typeQuery" => {
            let user_type = match field(body, "type") {
                Some(value) => as_enum(value, &TYPES, "type")?,
                None => 0,
            };
            Ok(format!("u.user_type = {}", params.param(user_type as i64)))
        }
        "organizationIdQuery" => {
            let org_id = match field(body, "organizationId") {
                Some(value) => as_str(value, "organizationId")?,
                None => "",
            };
            Ok(format!("u.org_id = {}", params.param(org_id.to_string())))
        }
        "inUserIdsQuery" => in_list("u.id", body, "userIds", params, false),
        "inUserEmailsQuery" => in_list("u.email", body, "userEmails", params, true),
        "orQuery" => combine(nested(body)?, level + 1, params, "OR", "0"),
        "andQuery" => combine(nested(body)?, level + 1, params, "AND", "1"),
        "notQuery" => {
            let inner = field(body, "query").ok_or_else(|| {
                ApiError::zitadel(
                    GrpcCode::InvalidArgument,
                    "GRPC-vR9nC",
                    "List.Query.Invalid",
                )
            })?;
            Ok(format!("NOT ({})", search_query(inner, level + 1, params)?))
        }
        _ => Err(ApiError::internal(format!("unhandled search query {key}"))),
    }
}

/// `loginNameQuery` with EQUALS or EQUALS_IGNORE_CASE, compared part by part: a
/// sandbox login name is `username@primary domain` and a domain has no `@`, so
/// the text's last `@` separates the same two parts and the rows found are those
/// of the joined comparison, without joining every row's name first (a pasted
/// list sends one such query a line). A text without `@` names no login name.
/// Other methods: `None`, compared on the joined name.
fn login_name_equals(
    body: &Map<String, Value>,
    params: &mut SqlParams,
) -> Result<Option<String>, ApiError> {
    let text = match field(body, "loginName") {
        Some(value) => as_str(value, "loginName")?,
        None => "",
    };
    let method = match field(body, "method") {
        Some(value) => as_enum(value, &TEXT_METHODS, "method")?,
        None => 0,
    };
    if method > 1 {
        return Ok(None);
    }
    let Some((username, domain)) = text.rsplit_once('@') else {
        return Ok(Some("0".to_string()));
    };
    Ok(Some(format!(
        "({} AND {})",
        text_match("u.username", username, method, params),
        text_match("o.primary_domain", domain, method, params)
    )))
}

fn nested(body: &Map<String, Value>) -> Result<&[Value], ApiError> {
    match field(body, "queries") {
        Some(value) => Ok(as_array(value, "queries")?.as_slice()),
        None => Ok(&[]),
    }
}

/// `column IN (…)`; an empty list matches nothing.
fn in_list(
    column: &str,
    body: &Map<String, Value>,
    key: &str,
    params: &mut SqlParams,
    ignore_case: bool,
) -> Result<String, ApiError> {
    let values = match field(body, key) {
        Some(value) => as_array(value, key)?.as_slice(),
        None => &[],
    };
    let mut placeholders = vec!["NULL".to_string()];
    for value in values {
        let text = as_str(value, key)?;
        let text = if ignore_case {
            text.to_lowercase()
        } else {
            text.to_string()
        };
        placeholders.push(params.param(text));
    }
    let column = if ignore_case {
        format!("fold({column})")
    } else {
        column.to_string()
    };
    Ok(format!("{column} IN ({})", placeholders.join(", ")))
}
