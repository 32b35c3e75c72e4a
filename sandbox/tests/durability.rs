//! Durability (a killed process keeps every acknowledged change) and consistency under
//! concurrent writes over real TCP connections.

use sandbox::lifecycle::Action;
use sandbox::model::UserState;
use sandbox::seed::schema_user_ids as schema;
use sandbox::seed::{grant_ids, ids, OWNER_TOKEN};
use sandbox::test_support::{raw_http, RawResponse, TempDir, TestSandbox};
use sandbox::weavr::seed::{ids as weavr_ids, ADMIN_TOKEN};
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;

/// Starts the real binary on `db`; returns it and its address.
fn start(db: &std::path::Path) -> (Child, SocketAddr) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_sandbox"))
        .args(["--port", "0", "--exit-after", "120", "--db"])
        .arg(db)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start sandbox");
    let stdout = child.stdout.take().expect("stdout");
    let mut first = String::new();
    BufReader::new(stdout)
        .read_line(&mut first)
        .expect("first line");
    let port: u16 = first
        .trim()
        .strip_prefix("sandbox listening on http://127.0.0.1:")
        .and_then(|port| port.parse().ok())
        .unwrap_or_else(|| panic!("unexpected first line: {first}"));
    (child, SocketAddr::from(([127, 0, 0, 1], port)))
}

async fn call(
    address: SocketAddr,
    method: &str,
    path: &str,
    token: &str,
    body: Option<&str>,
) -> RawResponse {
    let auth = format!("Bearer {token}");
    raw_http(address, method, path, &[("authorization", &auth)], body)
        .await
        .expect("connect")
        .unwrap_or_else(|| panic!("{method} {path}: no answer"))
}

async fn get(address: SocketAddr, path: &str) -> RawResponse {
    call(address, "GET", path, OWNER_TOKEN, None).await
}

#[tokio::test]
async fn a_killed_process_keeps_every_acknowledged_change() {
    let dir = TempDir::new("kill");
    let db = dir.path().join("sandbox.sqlite");
    let (mut child, address) = start(&db);

    let acknowledged = [
        (
            "POST",
            format!("/v2/users/{}/deactivate", ids::MINNIE),
            OWNER_TOKEN,
            200,
        ),
        (
            "POST",
            format!("/v2/users/{}/lock", ids::MICKEY),
            OWNER_TOKEN,
            200,
        ),
        (
            "POST",
            format!("/resources/v3alpha/users/{}/_lock", schema::SCARLETT),
            OWNER_TOKEN,
            200,
        ),
        (
            "DELETE",
            format!("/v2/users/{}", ids::HUEY),
            OWNER_TOKEN,
            200,
        ),
        (
            "POST",
            format!(
                "/management/v1/users/{}/grants/{}/_deactivate",
                ids::MICKEY,
                grant_ids::MICKEY_PORTAL
            ),
            OWNER_TOKEN,
            200,
        ),
        (
            "POST",
            format!("/weavr/multi/users/{}/deactivate", weavr_ids::ADA),
            ADMIN_TOKEN,
            204,
        ),
        (
            "POST",
            format!("/weavr/payment-run/v1/users/{}/activate", weavr_ids::ALAN),
            ADMIN_TOKEN,
            204,
        ),
    ];
    for (method, path, token, status) in &acknowledged {
        let body = (*method == "POST" && !path.starts_with("/weavr")).then_some("{}");
        let response = call(address, method, path, token, body).await;
        assert_eq!(
            response.status, *status,
            "{method} {path}: {}",
            response.body
        );
    }
    // A burst of writes; the process is killed right after the last acknowledgement.
    let mut pluto_sequence = String::new();
    for k in 0..20 {
        let action = if k % 2 == 0 { "lock" } else { "unlock" };
        let response = call(
            address,
            "POST",
            &format!("/v2/users/{}/{action}", ids::PLUTO),
            OWNER_TOKEN,
            Some("{}"),
        )
        .await;
        assert_eq!(response.status, 200, "{}", response.body);
        pluto_sequence = response.json()["details"]["sequence"]
            .as_str()
            .unwrap_or_default()
            .to_string();
    }
    child.kill().expect("SIGKILL");
    child.wait().expect("reaped");

    let (mut child, address) = start(&db);
    let state = |body: RawResponse| body.json()["user"]["state"].clone();
    assert_eq!(
        state(get(address, &format!("/v2/users/{}", ids::MINNIE)).await),
        "USER_STATE_INACTIVE"
    );
    assert_eq!(
        state(get(address, &format!("/v2/users/{}", ids::MICKEY)).await),
        "USER_STATE_LOCKED"
    );
    // The schema user's lock survived: locking again is refused.
    let relock = call(
        address,
        "POST",
        &format!("/resources/v3alpha/users/{}/_lock", schema::SCARLETT),
        OWNER_TOKEN,
        None,
    )
    .await;
    assert_eq!(relock.status, 404, "{}", relock.body);
    assert!(
        relock.body.contains("COMMAND-G4LOrnjY7q"),
        "{}",
        relock.body
    );
    assert_eq!(
        get(address, &format!("/v2/users/{}", ids::HUEY))
            .await
            .status,
        404
    );
    let grant = get(
        address,
        &format!(
            "/management/v1/users/{}/grants/{}",
            ids::MICKEY,
            grant_ids::MICKEY_PORTAL
        ),
    )
    .await;
    assert_eq!(
        grant.json()["userGrant"]["state"],
        "USER_GRANT_STATE_INACTIVE"
    );
    for (path, active) in [
        (format!("/weavr/multi/users/{}", weavr_ids::ADA), false),
        (
            format!("/weavr/payment-run/v1/users/{}", weavr_ids::ALAN),
            true,
        ),
    ] {
        let user = call(address, "GET", &path, ADMIN_TOKEN, None).await;
        assert_eq!(user.json()["active"], active, "{path}");
    }
    let pluto = get(address, &format!("/v2/users/{}", ids::PLUTO))
        .await
        .json();
    assert_eq!(pluto["details"]["sequence"], pluto_sequence.as_str());
    assert_eq!(pluto["details"]["sequence"], "21");
    assert_eq!(pluto["user"]["state"], "USER_STATE_ACTIVE");
    child.kill().expect("stop");
    child.wait().expect("reaped");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_writes_on_one_user_stay_consistent() {
    const REQUESTS: usize = 200;
    const ACTIONS: [(&str, Action); 4] = [
        ("lock", Action::Lock),
        ("unlock", Action::Unlock),
        ("deactivate", Action::Deactivate),
        ("reactivate", Action::Reactivate),
    ];
    let sandbox = Arc::new(TestSandbox::new());
    let address = sandbox.serve_tcp().await;
    let mut tasks = Vec::new();
    for k in 0..REQUESTS {
        let (name, action) = ACTIONS[k % ACTIONS.len()];
        tasks.push(tokio::spawn(async move {
            let path = format!("/v2/users/{}/{name}", ids::MINNIE);
            let auth = format!("Bearer {OWNER_TOKEN}");
            let answer = raw_http(
                address,
                "POST",
                &path,
                &[("authorization", &auth)],
                Some("{}"),
            )
            .await;
            (action, answer)
        }));
    }
    // Every request is answered: 200, or 400 with the id the state refusal has.
    let mut by_sequence = BTreeMap::new();
    for task in tasks {
        let (action, answer) = task.await.expect("task");
        let response = answer.expect("connect").expect("an answer");
        let body = response.json();
        match response.status {
            200 => {
                let sequence: u64 = body["details"]["sequence"]
                    .as_str()
                    .and_then(|s| s.parse().ok())
                    .expect("sequence");
                assert!(
                    by_sequence.insert(sequence, action).is_none(),
                    "sequence {sequence} twice"
                );
            }
            400 => {
                let id = body["details"][0]["id"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string();
                let refusals: Vec<String> =
                    [UserState::Active, UserState::Locked, UserState::Inactive]
                        .into_iter()
                        .filter_map(|state| action.check(state).err())
                        .filter_map(|err| err.detail.map(|(id, _)| id))
                        .collect();
                assert!(refusals.contains(&id), "{action:?} refused with {id}");
            }
            other => panic!("{action:?}: unexpected {other}: {body}"),
        }
    }
    // The successes wrote sequences 2, 3, … without gaps, and the events agree.
    let successes = by_sequence.len() as u64;
    assert!(successes > 0);
    assert_eq!(
        by_sequence.keys().copied().collect::<Vec<_>>(),
        (2..=successes + 1).collect::<Vec<_>>()
    );
    let events = sandbox
        .store
        .blocking(|conn| sandbox::events::events_of(conn, "user", ids::MINNIE))
        .expect("events");
    assert_eq!(events.len() as u64, successes + 1);
    // Replaying the events through the v2 transition table: each was allowed from the
    // state before it, and it is the action whose answer carried its sequence.
    let mut state = UserState::Active;
    for event in &events[1..] {
        let action = by_sequence[&event.sequence];
        assert_eq!(event.event_type, action.event_type());
        state = action
            .check(state)
            .unwrap_or_else(|err| panic!("event {} not allowed: {err:?}", event.sequence));
    }
    let user = sandbox.get_user(ids::MINNIE, OWNER_TOKEN).await.json();
    assert_eq!(user["details"]["sequence"], (successes + 1).to_string());
    assert_eq!(user["user"]["state"], state.wire_name());
}
