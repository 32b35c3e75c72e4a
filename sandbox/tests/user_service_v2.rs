//! The user service v2 endpoints against a seeded database, through the whole router.

use sandbox::seed::{
    ids, ACME_MANAGER_TOKEN, ACME_ORG_ID, GLOBEX_ORG_ID, OWNER_TOKEN, VIEWER_TOKEN,
};
use sandbox::state::Settings;
use sandbox::test_support::{default_values, wire_time, TestSandbox};
use serde_json::{json, Value};
use std::time::Duration;

const UNKNOWN_ID: &str = "999999999999999999";

#[tokio::test]
async fn get_user_has_the_v2_shape() {
    let sandbox = TestSandbox::new();
    let response = sandbox.get_user(ids::MINNIE, OWNER_TOKEN).await;
    assert_eq!(response.status, 200);
    assert_eq!(response.header("content-type"), Some("application/json"));
    let body = response.json();
    assert_eq!(default_values(&body), Vec::<String>::new(), "{body}");

    let user = &body["user"];
    assert_eq!(user["userId"], ids::MINNIE);
    assert_eq!(user["state"], "USER_STATE_ACTIVE");
    assert_eq!(user["username"], "minnie-mouse");
    assert_eq!(user["loginNames"], json!(["minnie-mouse@acme.example.com"]));
    assert_eq!(user["preferredLoginName"], "minnie-mouse@acme.example.com");
    assert_eq!(
        user["human"],
        json!({
            "profile": {
                "givenName": "Minnie", "familyName": "Mouse", "nickName": "",
                "displayName": "Minnie Mouse", "preferredLanguage": "en", "gender": "GENDER_FEMALE"
            },
            "email": { "email": "minnie-mouse@acme.example.com", "isVerified": true },
            "phone": {}
        })
    );
    assert!(user.get("machine").is_none());

    // int64 as strings; details twice (the top-level copy is deprecated but sent).
    let details = &body["details"];
    assert_eq!(details, &user["details"]);
    assert_eq!(details["sequence"], "1");
    assert_eq!(details["resourceOwner"], ACME_ORG_ID);
    for field in ["changeDate", "creationDate"] {
        let text = details[field].as_str().expect(field);
        assert!(is_rfc3339_utc(text), "{field}: {text}");
    }
}

#[tokio::test]
async fn machine_users_have_machine_and_no_human() {
    let sandbox = TestSandbox::new();
    let body = sandbox.get_user(ids::BUILD_BOT, OWNER_TOKEN).await.json();
    assert_eq!(
        body["user"]["machine"],
        json!({"name": "Build Bot", "description": "CI deployments",
               "accessTokenType": "ACCESS_TOKEN_TYPE_JWT"})
    );
    assert!(body["user"].get("human").is_none());
    // The default token type (BEARER, enum 0) is left out.
    let admin = sandbox
        .get_user(ids::CONSOLE_ADMIN, OWNER_TOKEN)
        .await
        .json();
    assert!(admin["user"]["machine"].get("accessTokenType").is_none());
    assert_eq!(default_values(&admin), Vec::<String>::new());
}

#[tokio::test]
async fn seeded_states_come_from_their_events() {
    let sandbox = TestSandbox::new();
    let expected = [
        (ids::MINNIE, "USER_STATE_ACTIVE", "1"),
        (ids::MICKEY, "USER_STATE_ACTIVE", "3"),
        (ids::DONALD, "USER_STATE_INACTIVE", "2"),
        (ids::DAISY, "USER_STATE_LOCKED", "2"),
        (ids::GOOFY, "USER_STATE_INITIAL", "2"),
        (ids::PLUTO, "USER_STATE_ACTIVE", "1"),
        (ids::DEWEY, "USER_STATE_LOCKED", "2"),
        (ids::LOUIE, "USER_STATE_INACTIVE", "3"),
    ];
    for (id, state, sequence) in expected {
        let body = sandbox.get_user(id, OWNER_TOKEN).await.json();
        assert_eq!(body["user"]["state"], state, "{id}");
        assert_eq!(body["details"]["sequence"], sequence, "{id}");
        assert!(
            wire_time(&body["details"]["creationDate"]) < wire_time(&body["details"]["changeDate"])
                || sequence == "1",
            "{id}: {body}"
        );
    }
    let pluto = sandbox.get_user(ids::PLUTO, OWNER_TOKEN).await.json();
    assert_eq!(pluto["details"]["resourceOwner"], GLOBEX_ORG_ID);
    let markup = sandbox.get_user(ids::MARKUP_TEST, OWNER_TOKEN).await.json();
    assert_eq!(
        markup["user"]["human"]["profile"]["displayName"],
        "<img src=x onerror=alert(1)>"
    );
}

/// ZITADEL.md Corrections 9: `humanToPb` sets every `optional` profile field and both
/// contact messages, so they are written even when empty (and protojson keeps them).
#[tokio::test]
async fn humans_carry_every_profile_field_zitadel_sets_even_when_empty() {
    let sandbox = TestSandbox::new();
    let pluto = sandbox.get_user(ids::PLUTO, OWNER_TOKEN).await.json();
    assert_eq!(
        pluto["user"]["human"],
        json!({
            "profile": {
                "givenName": "Pluto", "familyName": "Pup", "nickName": "",
                "displayName": "Pluto Pup", "preferredLanguage": "und",
                "gender": "GENDER_UNSPECIFIED"
            },
            "email": { "email": "pluto@globex.example.com", "isVerified": true },
            "phone": {}
        })
    );
    assert_eq!(default_values(&pluto), Vec::<String>::new(), "{pluto}");

    let mickey = sandbox.get_user(ids::MICKEY, OWNER_TOKEN).await.json();
    assert_eq!(
        mickey["user"]["human"],
        json!({
            "profile": {
                "givenName": "Mickey", "familyName": "Mouse", "nickName": "Mick",
                "displayName": "Mickey Mouse", "preferredLanguage": "de", "gender": "GENDER_MALE"
            },
            "email": { "email": "mickey-mouse@acme.example.com", "isVerified": true },
            "phone": { "phone": "+41791234567", "isVerified": true }
        })
    );

    // The list writes each user as the single read does.
    let list = sandbox
        .list_users(
            &json!({"queries": [{"inUserIdsQuery": {"userIds": [ids::MICKEY, ids::PLUTO]}}]})
                .to_string(),
            OWNER_TOKEN,
        )
        .await
        .json();
    let listed: Vec<&Value> = list["result"].as_array().expect("result").iter().collect();
    assert_eq!(listed.len(), 2, "{list}");
    for user in listed {
        let single = if user["userId"] == ids::PLUTO {
            &pluto
        } else {
            &mickey
        };
        assert_eq!(user["human"], single["user"]["human"], "{user}");
    }
    assert_eq!(default_values(&list), Vec::<String>::new(), "{list}");
}

#[test]
fn always_set_profile_fields_are_not_taken_for_left_in_defaults() {
    let body = json!({"user": {"human": {"profile": {"nickName": "", "gender": "GENDER_UNSPECIFIED"}},
                               "machine": {"gender": "GENDER_UNSPECIFIED"}, "nickName": ""}});
    assert_eq!(
        default_values(&body),
        ["$.user.machine.gender", "$.user.nickName"]
    );
}

/// One cell of contract §7.1: `Ok(new state)` or `Err((http status, gRPC code, id))`.
type Expected = Result<&'static str, (u16, i64, &'static str)>;

const FP: u16 = 400;
const NF: u16 = 404;

/// Runs every cell of one row of the table on a fresh sandbox. Columns: ACTIVE, INITIAL,
/// LOCKED, INACTIVE, DELETED, unknown.
async fn check_row(action: &str, cells: [Expected; 6]) {
    let sandbox = TestSandbox::new();
    // Scrooge is removed first to stand for a DELETED user.
    assert_eq!(
        sandbox
            .act(ids::SCROOGE, "delete", OWNER_TOKEN)
            .await
            .status,
        200
    );
    let users = [
        ids::MINNIE,
        ids::GOOFY,
        ids::DAISY,
        ids::DONALD,
        ids::SCROOGE,
        UNKNOWN_ID,
    ];
    for (user_id, expected) in users.into_iter().zip(cells) {
        let before = sandbox.get_user(user_id, OWNER_TOKEN).await;
        let response = sandbox.act(user_id, action, OWNER_TOKEN).await;
        let context = format!("{action} on {user_id}: {}", response.text);
        match expected {
            Ok(new_state) => {
                assert_eq!(response.status, 200, "{context}");
                let details = &response.json()["details"];
                let after = sandbox.get_user(user_id, OWNER_TOKEN).await;
                if new_state == "USER_STATE_DELETED" {
                    assert_eq!(after.status, 404, "{context}");
                } else {
                    assert_eq!(after.json()["user"]["state"], new_state, "{context}");
                    assert_eq!(after.json()["details"]["sequence"], details["sequence"]);
                }
                let old_sequence: u64 = before.json()["details"]["sequence"]
                    .as_str()
                    .and_then(|s| s.parse().ok())
                    .expect("sequence");
                assert_eq!(
                    details["sequence"],
                    (old_sequence + 1).to_string(),
                    "{context}"
                );
            }
            Err((status, code, id)) => {
                assert_eq!(response.status, status, "{context}");
                assert_eq!(response.error_code(), Some(code), "{context}");
                assert_eq!(response.error_id().as_deref(), Some(id), "{context}");
                // Nothing was written.
                assert_eq!(
                    sandbox.get_user(user_id, OWNER_TOKEN).await.text,
                    before.text,
                    "{context}"
                );
            }
        }
    }
}

#[tokio::test]
async fn lock_follows_the_transition_table() {
    check_row(
        "lock",
        [
            Ok("USER_STATE_LOCKED"),
            Ok("USER_STATE_LOCKED"),
            Err((FP, 9, "COMMAND-lgws8wtsqf")),
            Err((FP, 9, "COMMAND-lgws8wtsqf")),
            Err((NF, 5, "COMMAND-450yxuqrh1")),
            Err((NF, 5, "COMMAND-450yxuqrh1")),
        ],
    )
    .await;
}

#[tokio::test]
async fn unlock_follows_the_transition_table() {
    check_row(
        "unlock",
        [
            Err((FP, 9, "COMMAND-olb9vb0oca")),
            Err((FP, 9, "COMMAND-olb9vb0oca")),
            Ok("USER_STATE_ACTIVE"),
            Err((FP, 9, "COMMAND-olb9vb0oca")),
            Err((NF, 5, "COMMAND-x377t913pw")),
            Err((NF, 5, "COMMAND-x377t913pw")),
        ],
    )
    .await;
}

#[tokio::test]
async fn deactivate_follows_the_transition_table() {
    check_row(
        "deactivate",
        [
            Ok("USER_STATE_INACTIVE"),
            Err((FP, 9, "COMMAND-gvx4kct9r2")),
            Ok("USER_STATE_INACTIVE"),
            Err((FP, 9, "COMMAND-5gunjw0cd7")),
            Err((NF, 5, "COMMAND-5gp2p62iin")),
            Err((NF, 5, "COMMAND-5gp2p62iin")),
        ],
    )
    .await;
}

#[tokio::test]
async fn reactivate_follows_the_transition_table() {
    check_row(
        "reactivate",
        [
            Err((FP, 9, "COMMAND-s5qqcz97hf")),
            Err((FP, 9, "COMMAND-s5qqcz97hf")),
            Err((FP, 9, "COMMAND-s5qqcz97hf")),
            Ok("USER_STATE_ACTIVE"),
            Err((NF, 5, "COMMAND-9hy5kzbuk6")),
            Err((NF, 5, "COMMAND-9hy5kzbuk6")),
        ],
    )
    .await;
}

#[tokio::test]
async fn delete_follows_the_transition_table() {
    let deleted = Ok("USER_STATE_DELETED");
    check_row(
        "delete",
        [
            deleted,
            deleted,
            deleted,
            deleted,
            Err((NF, 5, "COMMAND-bd4ir1mblj")),
            Err((NF, 5, "COMMAND-bd4ir1mblj")),
        ],
    )
    .await;
}

#[tokio::test]
async fn error_bodies_have_the_grpc_gateway_shape() {
    let sandbox = TestSandbox::new();
    let response = sandbox.act(ids::DONALD, "deactivate", OWNER_TOKEN).await;
    assert_eq!(response.header("content-type"), Some("application/json"));
    assert_eq!(
        response.json(),
        json!({
            "code": 9,
            "message": "User already inactive (COMMAND-5gunjw0cd7)",
            "details": [{
                "@type": "type.googleapis.com/zitadel.v1.ErrorDetail",
                "id": "COMMAND-5gunjw0cd7",
                "message": "User already inactive"
            }]
        })
    );
    // Fields in the order grpc-gateway writes them.
    assert!(
        response.text.starts_with(r#"{"code":9,"message":"#),
        "{}",
        response.text
    );
}

#[tokio::test]
async fn a_write_moves_sequence_and_change_date() {
    let sandbox = TestSandbox::new();
    let before = sandbox.get_user(ids::MINNIE, OWNER_TOKEN).await.json();
    let response = sandbox.act(ids::MINNIE, "lock", OWNER_TOKEN).await;
    assert_eq!(response.status, 200);
    let details = response.json()["details"].clone();
    // A mutation describes the event it wrote: no creationDate.
    let mut fields: Vec<_> = details
        .as_object()
        .map(|o| o.keys().cloned().collect())
        .unwrap_or_default();
    fields.sort();
    assert_eq!(fields, ["changeDate", "resourceOwner", "sequence"]);
    assert_eq!(details["sequence"], "2");
    assert_eq!(details["resourceOwner"], ACME_ORG_ID);
    let change_date = details["changeDate"].as_str().unwrap_or_default();
    assert!(is_rfc3339_utc(change_date), "{change_date}");

    let after = sandbox.get_user(ids::MINNIE, OWNER_TOKEN).await.json();
    assert_eq!(after["details"]["sequence"], "2");
    assert_eq!(after["details"]["changeDate"], change_date);
    assert_ne!(
        after["details"]["changeDate"],
        before["details"]["changeDate"]
    );
    assert_eq!(
        after["details"]["creationDate"],
        before["details"]["creationDate"]
    );

    // Two quick writes still get strictly later change dates.
    let unlocked = sandbox.act(ids::MINNIE, "unlock", OWNER_TOKEN).await.json();
    assert_eq!(unlocked["details"]["sequence"], "3");
    assert!(wire_time(&unlocked["details"]["changeDate"]) > wire_time(&details["changeDate"]));
}

#[tokio::test]
async fn body_may_be_empty_or_carry_unknown_fields_but_must_be_json() {
    let sandbox = TestSandbox::new();
    let path = format!("/v2/users/{}/lock", ids::MINNIE);
    let empty = sandbox.call("POST", &path, Some(OWNER_TOKEN), None).await;
    assert_eq!(empty.status, 200, "{}", empty.text);
    let path = format!("/v2/users/{}/unlock", ids::MINNIE);
    let extra = sandbox
        .call(
            "POST",
            &path,
            Some(OWNER_TOKEN),
            Some(r#"{"reason":"x","userId":"ignored"}"#),
        )
        .await;
    assert_eq!(extra.status, 200, "{}", extra.text);
    let broken = sandbox
        .call("POST", &path, Some(OWNER_TOKEN), Some("not json"))
        .await;
    assert_eq!(broken.status, 400);
    assert_eq!(broken.error_code(), Some(3));
}

#[tokio::test]
async fn empty_user_id_is_an_invalid_argument() {
    let sandbox = TestSandbox::new();
    let response = sandbox.act("", "deactivate", OWNER_TOKEN).await;
    assert_eq!(response.status, 400, "{}", response.text);
    assert_eq!(response.error_code(), Some(3));
    assert_eq!(response.error_id().as_deref(), Some("COMMAND-78iiirat8y"));
}

#[tokio::test]
async fn deleted_and_unknown_users_are_not_found() {
    let sandbox = TestSandbox::new();
    assert_eq!(
        sandbox.act(ids::HUEY, "delete", OWNER_TOKEN).await.status,
        200
    );
    for id in [ids::HUEY, UNKNOWN_ID] {
        let response = sandbox.get_user(id, OWNER_TOKEN).await;
        assert_eq!(response.status, 404);
        assert_eq!(
            response.json(),
            json!({
                "code": 5,
                "message": "User could not be found (QUERY-Dfbg2)",
                "details": [{
                    "@type": "type.googleapis.com/zitadel.v1.ErrorDetail",
                    "id": "QUERY-Dfbg2",
                    "message": "User could not be found"
                }]
            })
        );
    }
}

#[tokio::test]
async fn requests_without_a_valid_token_are_unauthenticated() {
    let sandbox = TestSandbox::new();
    let path = format!("/v2/users/{}", ids::MINNIE);

    let missing = sandbox.call("GET", &path, None, None).await;
    assert_eq!(missing.status, 401);
    assert_eq!(
        missing.json(),
        json!({"code": 16, "message": "auth header missing"})
    );

    let unknown = sandbox.get_user(ids::MINNIE, "not-a-token").await;
    assert_eq!(unknown.status, 401);
    assert_eq!(
        unknown.json(),
        json!({
            "code": 16,
            "message": "Errors.Token.Invalid (AUTH-7fs1e)",
            "details": [{
                "@type": "type.googleapis.com/zitadel.v1.ErrorDetail",
                "id": "AUTH-7fs1e",
                "message": "Errors.Token.Invalid"
            }]
        })
    );

    let request = axum::http::Request::builder()
        .uri(&path)
        .header("authorization", OWNER_TOKEN)
        .body(axum::body::Body::empty())
        .expect("request");
    let no_prefix = sandbox.send(request).await;
    assert_eq!(no_prefix.status, 401);
    // `extractBearerToken` (`internal/api/authz/context.go`).
    assert_eq!(no_prefix.error_id().as_deref(), Some("AUTH-toLo1"));

    // Writes are refused the same way, and nothing is written.
    let write = sandbox.act(ids::MINNIE, "lock", "not-a-token").await;
    assert_eq!(write.status, 401);
    let user = sandbox.get_user(ids::MINNIE, OWNER_TOKEN).await.json();
    assert_eq!(user["user"]["state"], "USER_STATE_ACTIVE");
}

#[tokio::test]
async fn the_viewer_may_read_but_not_write() {
    let sandbox = TestSandbox::new();
    assert_eq!(sandbox.get_user(ids::PLUTO, VIEWER_TOKEN).await.status, 200);
    for action in ["lock", "deactivate", "delete"] {
        let response = sandbox.act(ids::MINNIE, action, VIEWER_TOKEN).await;
        assert_eq!(response.status, 403, "{action}: {}", response.text);
        assert_eq!(
            response.json(),
            json!({
                "code": 7,
                "message": "No matching permissions found (AUTH-AWfge)",
                "details": [{
                    "@type": "type.googleapis.com/zitadel.v1.ErrorDetail",
                    "id": "AUTH-AWfge",
                    "message": "No matching permissions found"
                }]
            })
        );
    }
    let user = sandbox.get_user(ids::MINNIE, OWNER_TOKEN).await.json();
    assert_eq!(user["user"]["state"], "USER_STATE_ACTIVE");
    assert_eq!(user["details"]["sequence"], "1");
}

#[tokio::test]
async fn checks_run_in_zitadels_order() {
    let sandbox = TestSandbox::new();
    // Existence before permission: 404, not 403.
    let unknown = sandbox.act(UNKNOWN_ID, "lock", VIEWER_TOKEN).await;
    assert_eq!(unknown.status, 404);
    // State before permission: a caller without permission still gets the 400.
    let locked = sandbox.act(ids::DAISY, "lock", VIEWER_TOKEN).await;
    assert_eq!(locked.status, 400);
    assert_eq!(locked.error_id().as_deref(), Some("COMMAND-lgws8wtsqf"));
}

#[tokio::test]
async fn the_org_manager_may_only_manage_its_own_org() {
    let sandbox = TestSandbox::new();
    let own = sandbox.act(ids::MINNIE, "lock", ACME_MANAGER_TOKEN).await;
    assert_eq!(own.status, 200, "{}", own.text);

    // No role in Globex nor on the instance: "membership not found", a 404 that means
    // lost access, not a removed user (`internal/api/authz/permissions.go`).
    for action in ["lock", "deactivate", "delete"] {
        let other = sandbox.act(ids::PLUTO, action, ACME_MANAGER_TOKEN).await;
        assert_eq!(other.status, 404, "{action}");
        assert_eq!(other.error_id().as_deref(), Some("AUTHZ-cdgFk"));
    }
    // Reading a user of another org needs a role there too.
    let read = sandbox.get_user(ids::PLUTO, ACME_MANAGER_TOKEN).await;
    assert_eq!(read.status, 404);
    assert_eq!(read.error_id().as_deref(), Some("AUTHZ-cdgFk"));
    let pluto = sandbox.get_user(ids::PLUTO, OWNER_TOKEN).await.json();
    assert_eq!(pluto["user"]["state"], "USER_STATE_ACTIVE");
}

/// `checkPermissionUpdateUser` (`internal/command/permission_checks.go`): before
/// v4.3.0 a user needed no permission for their own state; from v4.3.0 they do.
#[tokio::test]
async fn users_act_on_themselves_only_before_4_3() {
    let sandbox = TestSandbox::new();
    let refused = sandbox.act(ids::AUDITOR, "lock", VIEWER_TOKEN).await;
    assert_eq!(refused.status, 403, "{}", refused.text);
    assert_eq!(refused.error_id().as_deref(), Some("AUTH-AWfge"));
    let deleted = sandbox.act(ids::AUDITOR, "delete", VIEWER_TOKEN).await;
    assert_eq!(deleted.error_id().as_deref(), Some("AUTH-AWfge"));
    // Reading oneself needs nothing (`userCheckPermission`).
    assert_eq!(
        sandbox.get_user(ids::AUDITOR, VIEWER_TOKEN).await.status,
        200
    );

    sandbox.settings(r#"{"zitadelVersion":"4.2.3"}"#).await;
    let response = sandbox.act(ids::AUDITOR, "lock", VIEWER_TOKEN).await;
    assert_eq!(response.status, 200, "{}", response.text);
    // A locked user's token stops working.
    let after = sandbox.get_user(ids::AUDITOR, VIEWER_TOKEN).await;
    assert_eq!(after.status, 401);
    assert_eq!(after.error_id().as_deref(), Some("AUTH-7fs1e"));
}

#[tokio::test]
async fn state_survives_a_restart() {
    let sandbox = TestSandbox::new();
    let written = sandbox
        .act(ids::MINNIE, "deactivate", OWNER_TOKEN)
        .await
        .json();
    assert_eq!(
        sandbox.act(ids::HUEY, "delete", OWNER_TOKEN).await.status,
        200
    );

    let sandbox = sandbox.reopen();
    let minnie = sandbox.get_user(ids::MINNIE, OWNER_TOKEN).await.json();
    assert_eq!(minnie["user"]["state"], "USER_STATE_INACTIVE");
    assert_eq!(
        minnie["details"]["sequence"],
        written["details"]["sequence"]
    );
    assert_eq!(
        minnie["details"]["changeDate"],
        written["details"]["changeDate"]
    );
    assert_eq!(sandbox.get_user(ids::HUEY, OWNER_TOKEN).await.status, 404);
    // And the next write continues the sequence.
    let next = sandbox
        .act(ids::MINNIE, "reactivate", OWNER_TOKEN)
        .await
        .json();
    assert_eq!(next["details"]["sequence"], "3");
}

#[tokio::test]
async fn the_events_alone_rebuild_the_projection() {
    let sandbox = TestSandbox::with_options(None, 25);
    sandbox.act(ids::MINNIE, "lock", OWNER_TOKEN).await;
    sandbox.act(ids::DONALD, "delete", OWNER_TOKEN).await;
    let snapshot = |sandbox: &TestSandbox| {
        sandbox
            .store
            .blocking(|conn| sandbox::users::first_users(conn, 1000))
            .expect("read users")
    };
    let before = snapshot(&sandbox);
    sandbox
        .store
        .blocking(sandbox::projection::rebuild)
        .expect("rebuild");
    assert_eq!(snapshot(&sandbox), before);
    assert_eq!(before.1, 23 - 1 + 25);
}

#[tokio::test]
async fn events_record_who_did_what() {
    let sandbox = TestSandbox::new();
    sandbox.act(ids::MINNIE, "lock", ACME_MANAGER_TOKEN).await;
    let events = sandbox
        .store
        .blocking(|conn| sandbox::events::events_of(conn, "user", ids::MINNIE))
        .expect("events");
    let types: Vec<_> = events.iter().map(|e| e.event_type.as_str()).collect();
    assert_eq!(types, ["user.human.added", "user.locked"]);
    assert_eq!(events[1].sequence, 2);
    assert_eq!(events[1].actor, ids::ACME_USER_MANAGER);
    assert_eq!(events[1].resource_owner, ACME_ORG_ID);
    assert!(events[0].created_at < events[1].created_at);
    assert_eq!(events[1].reason, None);
}

#[tokio::test]
async fn a_reason_sent_with_a_change_is_kept_on_its_event() {
    let sandbox = TestSandbox::new();
    let bearer = format!("Bearer {OWNER_TOKEN}");
    let headers = [("authorization", bearer.as_str())];
    let path = format!("/v2/users/{}/deactivate", ids::MINNIE);
    let body = r#"{"reason":"  Left the company (ticket 4711)  "}"#;
    let response = sandbox.call_with("POST", &path, &headers, Some(body)).await;
    assert_eq!(response.status, 200);
    let path = format!("/v2/users/{}/reactivate", ids::MINNIE);
    let response = sandbox
        .call_with("POST", &path, &headers, Some(r#"{"reason":" "}"#))
        .await;
    assert_eq!(response.status, 200);
    let events = sandbox
        .store
        .blocking(|conn| sandbox::events::events_of(conn, "user", ids::MINNIE))
        .expect("events");
    let reasons: Vec<_> = events.iter().map(|e| e.reason.as_deref()).collect();
    assert_eq!(
        reasons,
        [None, Some("Left the company (ticket 4711)"), None]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_writes_on_one_user_stay_consistent() {
    let sandbox = std::sync::Arc::new(TestSandbox::new());
    let mut tasks = Vec::new();
    for _ in 0..8 {
        let sandbox = sandbox.clone();
        tasks.push(tokio::spawn(async move {
            sandbox
                .act(ids::MINNIE, "deactivate", OWNER_TOKEN)
                .await
                .status
        }));
    }
    let mut statuses = Vec::new();
    for task in tasks {
        statuses.push(task.await.expect("task").as_u16());
    }
    statuses.sort_unstable();
    assert_eq!(statuses, [200, 400, 400, 400, 400, 400, 400, 400]);
    let user = sandbox.get_user(ids::MINNIE, OWNER_TOKEN).await.json();
    assert_eq!(user["details"]["sequence"], "2");
}

// ListUsers

fn user_names(body: &Value) -> Vec<String> {
    body["result"]
        .as_array()
        .map(|users| {
            users
                .iter()
                .filter_map(|u| u["username"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn list_users_filters_sorts_and_pages() {
    let sandbox = TestSandbox::new();
    let locked = sandbox
        .list_users(
            r#"{"query":{"offset":"0","limit":50,"asc":true},
                "sortingColumn":"USER_FIELD_NAME_USER_NAME",
                "queries":[{"stateQuery":{"state":"USER_STATE_LOCKED"}},
                           {"organizationIdQuery":{"organizationId":"69629023906488334"}}]}"#,
            OWNER_TOKEN,
        )
        .await;
    assert_eq!(locked.status, 200, "{}", locked.text);
    let body = locked.json();
    assert_eq!(user_names(&body), ["daisy-duck", "dewey-duck"]);
    assert_eq!(body["details"]["totalResult"], "2");
    // ZITADEL never echoes the sorting column (ZITADEL.md Corrections 9).
    assert!(body.get("sortingColumn").is_none());
    assert!(is_rfc3339_utc(
        body["details"]["timestamp"].as_str().unwrap_or_default()
    ));
    assert_eq!(default_values(&body), Vec::<String>::new());

    // Descending is the default; offset and limit page through the total.
    let page = sandbox
        .list_users(
            r#"{"query":{"offset":"2","limit":3},"sortingColumn":"USER_FIELD_NAME_USER_NAME"}"#,
            OWNER_TOKEN,
        )
        .await
        .json();
    assert_eq!(page["details"]["totalResult"], "23");
    assert_eq!(
        user_names(&page),
        ["minnie-mouse", "mickey-mouse", "markup-test"]
    );
}

#[tokio::test]
async fn list_users_text_methods_and_combinators() {
    let sandbox = TestSandbox::new();
    let search = |queries: &str| {
        format!(r#"{{"query":{{"limit":100,"asc":true}},"sortingColumn":1,"queries":{queries}}}"#)
    };
    let cases = [
        (
            r#"[{"userNameQuery":{"userName":"duck","method":"TEXT_QUERY_METHOD_ENDS_WITH"}}]"#,
            vec![
                "daisy-duck",
                "dewey-duck",
                "donald-duck",
                "huey-duck",
                "louie-duck",
                "scrooge-mcduck",
            ],
        ),
        (
            r#"[{"displayNameQuery":{"displayName":"MOUSE","method":"TEXT_QUERY_METHOD_CONTAINS_IGNORE_CASE"}}]"#,
            vec!["mickey-mouse", "minnie-mouse"],
        ),
        (
            r#"[{"user_name_query":{"user_name":"mi","method":2}}]"#,
            vec!["mickey-mouse", "minnie-mouse"],
        ),
        (
            r#"[{"emailQuery":{"emailAddress":"pluto@globex.example.com"}}]"#,
            vec!["pluto"],
        ),
        (
            r#"[{"orQuery":{"queries":[{"inUserIdsQuery":{"userIds":["226000000000000001"]}},
                                       {"typeQuery":{"type":"TYPE_MACHINE"}}]}},
                {"notQuery":{"query":{"userNameQuery":{"userName":"auditor"}}}}]"#,
            vec![
                "acme-user-manager",
                "build-bot",
                "console-admin",
                "deploy-robot",
                "globex-user-manager",
                "minnie-mouse",
            ],
        ),
        (
            r#"[{"loginNameQuery":{"loginName":"goofy@acme.example.com"}}]"#,
            vec!["goofy"],
        ),
        (r#"[{"userNameQuery":{"userName":"%"}}]"#, vec![]),
    ];
    for (queries, expected) in cases {
        let response = sandbox.list_users(&search(queries), OWNER_TOKEN).await;
        assert_eq!(response.status, 200, "{queries}: {}", response.text);
        assert_eq!(user_names(&response.json()), expected, "{queries}");
    }
}

#[tokio::test]
async fn list_users_leaves_out_what_the_caller_may_not_read() {
    let sandbox = TestSandbox::with_settings(Settings {
        list_lag: Duration::ZERO,
        ..Settings::default()
    });
    sandbox.act(ids::HUEY, "delete", OWNER_TOKEN).await;
    let all = sandbox.list_users("{}", OWNER_TOKEN).await.json();
    assert_eq!(all["details"]["totalResult"], "22");
    let acme_only = sandbox.list_users("{}", ACME_MANAGER_TOKEN).await.json();
    assert_eq!(acme_only["details"]["totalResult"], "20");
    assert!(!user_names(&acme_only).contains(&"pluto".to_string()));
    let globex = sandbox
        .list_users(
            r#"{"queries":[{"organizationIdQuery":{"organizationId":"69629023906488335"}}]}"#,
            ACME_MANAGER_TOKEN,
        )
        .await;
    assert_eq!(globex.status, 200);
    // No results: totalResult 0 and an empty result are both left out.
    assert!(globex.json()["details"].get("totalResult").is_none());
    assert!(globex.json().get("result").is_none());
}

#[tokio::test]
async fn list_users_rejects_bad_requests() {
    let sandbox = TestSandbox::new();
    let cases = [
        (r#"{"queries":[{}]}"#, Some("GRPC-vR9nC")),
        (r#"{"query":{"limit":1001}}"#, Some("QUERY-4M0fs")),
        (
            r#"{"queries":[{"stateQuery":{"state":"USER_STATE_HAPPY"}}]}"#,
            None,
        ),
        (r#"[]"#, None),
    ];
    for (request, id) in cases {
        let response = sandbox.list_users(request, OWNER_TOKEN).await;
        assert_eq!(response.status, 400, "{request}");
        assert_eq!(response.error_code(), Some(3), "{request}");
        assert_eq!(response.error_id().as_deref(), id, "{request}");
    }
    let mut nested = r#"{"userNameQuery":{"userName":"x"}}"#.to_string();
    for _ in 0..22 {
        nested = format!(r#"{{"notQuery":{{"query":{nested}}}}}"#);
    }
    let deep = sandbox
        .list_users(&format!(r#"{{"queries":[{nested}]}}"#), OWNER_TOKEN)
        .await;
    assert_eq!(deep.error_id().as_deref(), Some("USER-zsQ97"));
}

#[tokio::test]
async fn generated_users_are_deterministic() {
    let a = TestSandbox::with_options(None, 40);
    let b = TestSandbox::with_options(None, 40);
    let request = r#"{"query":{"limit":100,"asc":true},"queries":[{"stateQuery":{"state":4}}]}"#;
    let names_a = user_names(&a.list_users(request, OWNER_TOKEN).await.json());
    let names_b = user_names(&b.list_users(request, OWNER_TOKEN).await.json());
    assert_eq!(names_a, names_b);
    // Daisy and Dewey plus generated users 7, 17, 27 and 37.
    assert_eq!(names_a.len(), 6, "{names_a:?}");
    let first = sandbox::seed::generated_user_id(1);
    assert_eq!(a.get_user(&first, OWNER_TOKEN).await.status, 200);
}

/// `2024-08-02T11:05:09.871Z`, or without the fraction.
fn is_rfc3339_utc(text: &str) -> bool {
    let bytes = text.as_bytes();
    let shape_ok = text.len() >= 20
        && text.ends_with('Z')
        && bytes[4] == b'-'
        && bytes[7] == b'-'
        && bytes[10] == b'T'
        && bytes[13] == b':'
        && bytes[16] == b':';
    shape_ok && chrono::DateTime::parse_from_rfc3339(text).is_ok()
}
