//! Building blocks for ZITADEL search requests: reading protojson request bodies and
//! turning text filters into SQL.
//!
//! Requests are read from a `serde_json::Value` rather than typed structs because
//! protojson accepts both the camelCase and the proto snake_case name of each field,
//! numbers or strings for integers, and names or numbers for enums.

use crate::errors::{ApiError, GrpcCode};
use rusqlite::types::Value as SqlValue;
use serde_json::{Map, Value};

/// The parameters of the SQL being built, numbered in the order they were added.
#[derive(Debug, Default)]
pub struct SqlParams {
    pub values: Vec<SqlValue>,
}

impl SqlParams {
    /// Adds a parameter and returns its placeholder (`?N`), usable more than once.
    pub fn param(&mut self, value: impl Into<SqlValue>) -> String {
        self.values.push(value.into());
        format!("?{}", self.values.len())
    }

    /// The number `sql` (a `SELECT COUNT(*) …`) counts with these parameters.
    pub fn count(&self, conn: &rusqlite::Connection, sql: &str) -> rusqlite::Result<i64> {
        conn.query_row(sql, rusqlite::params_from_iter(self.values.iter()), |row| {
            row.get(0)
        })
    }

    /// The rows `sql` selects with these parameters, each read by `read`.
    pub fn rows<T>(
        &self,
        conn: &rusqlite::Connection,
        sql: &str,
        read: impl FnMut(&rusqlite::Row) -> rusqlite::Result<T>,
    ) -> rusqlite::Result<Vec<T>> {
        conn.prepare(sql)?
            .query_map(rusqlite::params_from_iter(self.values.iter()), read)?
            .collect()
    }
}

/// SQL for one text method: `method` is the number of ZITADEL's text method enum,
/// EQUALS, EQUALS_IGNORE_CASE, STARTS_WITH, …, ENDS_WITH_IGNORE_CASE (v1, v2 and
/// v3alpha number them alike). `instr` and `substr` are used
/// instead of LIKE so that `%` and `_` in the search text have no special meaning.
pub fn text_match(column: &str, text: &str, method: usize, params: &mut SqlParams) -> String {
    let ignore_case = method % 2 == 1;
    let (column, needle) = if ignore_case {
        (format!("fold({column})"), params.param(text.to_lowercase()))
    } else {
        (column.to_string(), params.param(text.to_string()))
    };
    match method / 2 {
        0 => format!("{column} = {needle}"),
        1 => format!("instr({column}, {needle}) = 1"),
        2 => format!("instr({column}, {needle}) > 0"),
        _ => format!("substr({column}, length({column}) - length({needle}) + 1) = {needle}"),
    }
}

/// A field by its camelCase name or its proto snake_case name; `null` counts as unset.
pub fn field<'a>(object: &'a Map<String, Value>, camel: &str) -> Option<&'a Value> {
    object
        .get(camel)
        .or_else(|| object.get(&snake_case(camel)))
        .filter(|value| !value.is_null())
}

pub fn snake_case(camel: &str) -> String {
    let mut snake = String::with_capacity(camel.len() + 4);
    for c in camel.chars() {
        if c.is_ascii_uppercase() {
            snake.push('_');
            snake.push(c.to_ascii_lowercase());
        } else {
            snake.push(c);
        }
    }
    snake
}

pub fn as_object<'a>(value: &'a Value, name: &str) -> Result<&'a Map<String, Value>, ApiError> {
    value
        .as_object()
        .ok_or_else(|| ApiError::invalid_body(&format!("{name} must be an object")))
}

pub fn as_array<'a>(value: &'a Value, name: &str) -> Result<&'a Vec<Value>, ApiError> {
    value
        .as_array()
        .ok_or_else(|| ApiError::invalid_body(&format!("{name} must be an array")))
}

pub fn as_str<'a>(value: &'a Value, name: &str) -> Result<&'a str, ApiError> {
    value
        .as_str()
        .ok_or_else(|| ApiError::invalid_body(&format!("{name} must be a string")))
}

/// An unsigned integer, sent as a number or (as protojson writes 64-bit ones) a string.
pub fn as_uint(value: &Value, name: &str) -> Result<u64, ApiError> {
    let parsed = match value {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => s.parse().ok(),
        _ => None,
    };
    parsed.ok_or_else(|| ApiError::invalid_body(&format!("{name} must be an unsigned integer")))
}

/// An enum value, sent as its name or its number; returns the number.
pub fn as_enum(value: &Value, names: &[&str], name: &str) -> Result<usize, ApiError> {
    let number = match value {
        Value::String(s) => names.iter().position(|n| n == s),
        Value::Number(n) => n.as_u64().map(|n| n as usize).filter(|&n| n < names.len()),
        _ => None,
    };
    number.ok_or_else(|| ApiError::invalid_body(&format!("{name}: unknown value {value}")))
}

/// The pairs of a URL query string, percent-decoded, in order (`None`: no query).
pub fn query_pairs(raw: Option<&str>) -> Vec<(String, String)> {
    raw.map(|raw| {
        form_urlencoded::parse(raw.as_bytes())
            .map(|(key, value)| (key.into_owned(), value.into_owned()))
            .collect()
    })
    .unwrap_or_default()
}

/// The last value of `key` in `pairs`, as a server reading one field would take it.
pub fn query_value<'a>(pairs: &'a [(String, String)], key: &str) -> Option<&'a str> {
    pairs
        .iter()
        .rev()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_strings_are_decoded() {
        let pairs = query_pairs(Some("organization.orgId=1&email=a%2Bb%40x.io&email=c"));
        assert_eq!(query_value(&pairs, "organization.orgId"), Some("1"));
        assert_eq!(query_value(&pairs, "email"), Some("c"));
        assert_eq!(pairs[1].1, "a+b@x.io");
        assert!(query_pairs(None).is_empty());
    }

    #[test]
    fn snake_case_names_follow_the_protos() {
        assert_eq!(snake_case("userNameQuery"), "user_name_query");
        assert_eq!(snake_case("sortingColumn"), "sorting_column");
        assert_eq!(snake_case("offset"), "offset");
    }

    const TYPES: [&str; 3] = ["TYPE_UNSPECIFIED", "TYPE_HUMAN", "TYPE_MACHINE"];

    #[test]
    fn enums_accept_names_and_numbers() {
        assert_eq!(as_enum(&Value::from("TYPE_MACHINE"), &TYPES, "type"), Ok(2));
        assert_eq!(as_enum(&Value::from(1), &TYPES, "type"), Ok(1));
        assert!(as_enum(&Value::from("TYPE_ROBOT"), &TYPES, "type").is_err());
        assert!(as_enum(&Value::from(7), &TYPES, "type").is_err());
    }

    #[test]
    fn integers_accept_strings_and_numbers() {
        assert_eq!(as_uint(&Value::from("20"), "offset"), Ok(20));
        assert_eq!(as_uint(&Value::from(20), "offset"), Ok(20));
        assert!(as_uint(&Value::from(-1), "offset").is_err());
    }

    #[test]
    fn a_page_is_limit_then_offset_as_parameters() {
        let mut params = SqlParams::default();
        params.param("org".to_string());
        let paging = Paging {
            offset: u64::MAX,
            limit: 10,
            asc: false,
        };
        assert_eq!(paging.limit_offset(&mut params), "LIMIT ?2 OFFSET ?3");
        assert_eq!(
            params.values[1..],
            [SqlValue::Integer(10), SqlValue::Integer(i64::MAX)]
        );
        assert_eq!(paging.direction(), "DESC");
        assert_eq!(
            Paging {
                asc: true,
                ..paging
            }
            .direction(),
            "ASC"
        );
    }

    #[test]
    fn no_queries_match_every_row_and_several_must_all_match() {
        let mut params = SqlParams::default();
        let request = serde_json::json!({"queries": [{"a": 1}, {"b": 2}]});
        let request = request.as_object().unwrap();
        let condition = all_queries(request, &mut params, |query, params| {
            Ok(format!("x = {}", params.param(query.to_string())))
        });
        assert_eq!(condition, Ok("x = ?1 AND x = ?2".to_string()));
        let empty = serde_json::Map::new();
        assert_eq!(
            all_queries(&empty, &mut params, |_, _| Ok("never".into())),
            Ok("1".to_string())
        );
    }
}

/// The paging of a v1 or v2 list request, `query {offset, limit, asc}`, as
/// ZITADEL reads it: a limit of 0 means the server's default, a limit above
/// the maximum is refused with `QUERY-4M0fs`, and the order is descending
/// unless `asc` says otherwise.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Paging {
    pub offset: u64,
    pub limit: u64,
    pub asc: bool,
}

impl Paging {
    pub const DEFAULT_LIMIT: u64 = 100;
    pub const MAX_LIMIT: u64 = 1000;

    pub fn parse(request: &Map<String, Value>) -> Result<Paging, ApiError> {
        let query = match field(request, "query") {
            Some(query) => as_object(query, "query")?.clone(),
            None => Map::new(),
        };
        let offset = match field(&query, "offset") {
            Some(value) => as_uint(value, "query.offset")?,
            None => 0,
        };
        let limit = match field(&query, "limit") {
            Some(value) => as_uint(value, "query.limit")?,
            None => 0,
        };
        if limit > Self::MAX_LIMIT {
            return Err(ApiError::zitadel(
                GrpcCode::InvalidArgument,
                "QUERY-4M0fs",
                "Limit exceeded",
            ));
        }
        let asc = match field(&query, "asc") {
            Some(Value::Bool(asc)) => *asc,
            Some(_) => return Err(ApiError::invalid_body("query.asc must be a boolean")),
            None => false,
        };
        let limit = if limit == 0 {
            Self::DEFAULT_LIMIT
        } else {
            limit
        };
        Ok(Paging { offset, limit, asc })
    }

    /// The order `asc` asks for, as SQL.
    pub fn direction(&self) -> &'static str {
        if self.asc {
            "ASC"
        } else {
            "DESC"
        }
    }

    /// `LIMIT … OFFSET …` for this page, its numbers as parameters in `params`
    /// (SQLite's integers are signed: a larger number is the largest signed one).
    pub fn limit_offset(&self, params: &mut SqlParams) -> String {
        let limit = params.param(self.limit.min(i64::MAX as u64) as i64);
        let offset = params.param(self.offset.min(i64::MAX as u64) as i64);
        format!("LIMIT {limit} OFFSET {offset}")
    }
}

/// The `queries` of a v1 or v2 list request, each made a condition by `one`, joined
/// so that all must match; with no queries, the condition every row meets (`1`).
pub fn all_queries(
    request: &Map<String, Value>,
    params: &mut SqlParams,
    mut one: impl FnMut(&Value, &mut SqlParams) -> Result<String, ApiError>,
) -> Result<String, ApiError> {
    let queries = match field(request, "queries") {
        Some(value) => as_array(value, "queries")?.as_slice(),
        None => &[],
    };
    let parts = queries
        .iter()
        .map(|query| one(query, params))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(if parts.is_empty() {
        "1".to_string()
    } else {
        parts.join(" AND ")
    })
}

/// A text query or filter, `{<text_key>: "…", "method": <text method>}`, as a
/// condition on `column`. A missing text or method is the default (`""` and
/// EQUALS), as grpc-gateway reads omitted fields.
pub fn text_condition(
    body: &Map<String, Value>,
    text_key: &str,
    methods: &[&str],
    column: &str,
    params: &mut SqlParams,
) -> Result<String, ApiError> {
    let text = match field(body, text_key) {
        Some(value) => as_str(value, text_key)?,
        None => "",
    };
    let method = match field(body, "method") {
        Some(value) => as_enum(value, methods, "method")?,
        None => 0,
    };
    Ok(text_match(column, text, method, params))
}
