//! A user's history as management v1 `ListUserChanges` reads it
//! (`internal/api/grpc/management/user.go` at v4.13.1): the events of the `user`
//! aggregate owned by the organization in context, newest first unless `asc`, after
//! (or, newest first, before) `query.sequence`, at most `query.limit` of them. Each
//! names its editor: the user whose token caused it (`internal/query/event.go`,
//! `editorUserByID`), and its type as a localized message
//! (`pkg/grpc/message/message.go`: key `EventTypes.<type>`).
//!
//! Events of the user's grants belong to the `usergrant` aggregate and are not listed,
//! as on the real server.

use crate::clock::Timestamp;
use crate::errors::ApiError;
use crate::events::AGGREGATE_USER;
use crate::model::UserKind;
use crate::users;
use rusqlite::{params, Connection};

/// `zitadel.change.v1.ChangeQuery`: `sequence` 0 means from the newest (or oldest);
/// `limit` 0 means no limit (`SearchQueryBuilder.Limit(0)`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ChangeQuery {
    pub sequence: u64,
    pub limit: u32,
    pub asc: bool,
}

/// Who caused a change, as `editorUserByID` finds them: an editor that is no user
/// (the seed's `SYSTEM`, or a removed user) has only the id.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Editor {
    pub id: String,
    pub display_name: String,
    pub preferred_login_name: String,
}

/// One `zitadel.change.v1.Change`, before its type is localized.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    pub at: Timestamp,
    pub event_type: String,
    pub sequence: u64,
    pub editor: Editor,
    pub resource_owner: String,
}

/// The changes of `user_id` owned by `org_id`. An unknown user, or one of another
/// organization, has none: the real query filters by both and never says "not found".
pub fn list(
    conn: &Connection,
    user_id: &str,
    org_id: &str,
    query: ChangeQuery,
) -> Result<Vec<Change>, ApiError> {
    // `eventSequenceGreaterFilter` (`internal/eventstore/repository/search_query.go`):
    // "greater" becomes "less" when the order is descending.
    let (order, compare) = if query.asc {
        ("ASC", ">")
    } else {
        ("DESC", "<")
    };
    let sequence_filter = if query.sequence > 0 {
        format!("AND sequence {compare} ?4")
    } else {
        "AND ?4 = ?4".to_string()
    };
    let limit = if query.limit > 0 {
        i64::from(query.limit)
    } else {
        -1
    };
    let sql = format!(
        "SELECT created_at, event_type, sequence, actor, resource_owner FROM events
         WHERE aggregate_type = ?1 AND aggregate_id = ?2 AND resource_owner = ?3
         {sequence_filter}
         ORDER BY sequence {order} LIMIT ?5"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(
        params![
            AGGREGATE_USER,
            user_id,
            org_id,
            query.sequence as i64,
            limit
        ],
        |row| {
            Ok((
                row.get::<_, String>(0)?,
                row.get::<_, String>(1)?,
                row.get::<_, i64>(2)?,
                row.get::<_, String>(3)?,
                row.get::<_, String>(4)?,
            ))
        },
    )?;
    let mut changes = Vec::new();
    for row in rows {
        let (created_at, event_type, sequence, actor, resource_owner) = row?;
        changes.push(Change {
            at: Timestamp::from_storage(&created_at)
                .ok_or_else(|| ApiError::internal(format!("unreadable event time {created_at}")))?,
            event_type,
            sequence: sequence as u64,
            editor: editor(conn, &actor)?,
            resource_owner,
        });
    }
    Ok(changes)
}

/// `editorUserByID`: the editor's display name (a machine's name) and preferred login
/// name, looked up without a permission check; only the id when no user has it.
fn editor(conn: &Connection, id: &str) -> Result<Editor, ApiError> {
    let Some(user) = users::find_user(conn, id)? else {
        return Ok(Editor {
            id: id.to_string(),
            ..Editor::default()
        });
    };
    let display_name = match &user.kind {
        UserKind::Human(human) => human.display_name.clone(),
        UserKind::Machine(machine) => machine.name.clone(),
    };
    Ok(Editor {
        id: user.id.clone(),
        display_name,
        preferred_login_name: user.login_name(),
    })
}

/// The localized text of `EventTypes.<event_type>`, from `internal/static/i18n/en.yaml`
/// and `de.yaml` at v4.13.1; `None` for a type the sandbox never writes on a user.
pub fn event_type_text(event_type: &str, german: bool) -> Option<&'static str> {
    EVENT_TYPE_TEXTS
        .iter()
        .find(|(key, _, _)| *key == event_type)
        .map(|(_, en, de)| if german { *de } else { *en })
}

/// (event type, English, German) of the user events the sandbox writes.
const EVENT_TYPE_TEXTS: [(&str, &str, &str); 11] = [
    ("user.human.added", "Person added", "Benutzer hinzugefügt"),
    (
        "user.machine.added",
        "Technical user added",
        "Technischer Benutzer hinzugefügt",
    ),
    (
        "user.human.initialization.code.added",
        "Initialization code generated",
        "Initialisierungscode generiert",
    ),
    (
        "user.human.initialization.check.succeeded",
        "Initialization check succeeded",
        "Benutzerinitialisierung erfolgreich",
    ),
    (
        "user.deactivated",
        "User deactivated",
        "Benutzer deaktiviert",
    ),
    (
        "user.reactivated",
        "User reactivated",
        "Benutzer reaktiviert",
    ),
    ("user.locked", "User locked", "Benutzer gesperrt"),
    ("user.unlocked", "User unlocked", "Benutzer entsperrt"),
    ("user.removed", "User removed", "Benutzer entfernt"),
    (
        "user.metadata.set",
        "User metadata set",
        "Benutzer Metadaten gesetzt",
    ),
    (
        "user.metadata.removed",
        "User metadata removed",
        "Benutzer Metadaten gelöscht",
    ),
];
