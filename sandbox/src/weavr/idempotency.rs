//! `idempotency-ref` (contract WEAVR.md §8): a caller-chosen reference that makes a
//! retried activate/deactivate safe. Records are kept in memory for 24 hours, keyed by
//! operation, user and reference (the request path carries product, user and
//! operation). The contract leaves several points open; the sandbox's answers:
//!
//! * a duplicate of a request that completed replays the first answer: status,
//!   headers (including its `request-ref`) and body;
//! * a duplicate arriving while the first is still running gets 409
//!   `IDEMPOTENT_REQUEST_IN_PROGRESS`;
//! * only successful (2xx) answers are remembered: after an error the reference is
//!   free again, since nothing was done;
//! * a restart forgets every record.

use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// How long a reference stays unique.
pub const RETENTION: Duration = Duration::from_secs(24 * 60 * 60);
/// Answers larger than this are not stored (activate/deactivate have no body at all).
const MAX_STORED_BODY: usize = 1 << 20;

/// An answer kept for replay.
#[derive(Debug, Clone)]
pub struct StoredAnswer {
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
}

impl IntoResponse for StoredAnswer {
    fn into_response(self) -> Response {
        let mut response = (self.status, self.body).into_response();
        *response.headers_mut() = self.headers;
        response
    }
}

#[derive(Debug)]
enum Entry {
    InProgress,
    Done { at: Instant, answer: StoredAnswer },
}

/// The records, shared by all requests.
#[derive(Clone, Default)]
pub struct Registry {
    inner: Arc<Mutex<HashMap<String, Entry>>>,
}

/// What to do with a request that carries a reference.
pub enum Begin {
    /// Answer this, as the first request was answered.
    Replay(StoredAnswer),
    /// The first request is still running.
    InProgress,
    /// A new reference: go ahead, then hand the answer to the ticket.
    Started(Ticket),
}

impl Registry {
    fn lock(&self) -> MutexGuard<'_, HashMap<String, Entry>> {
        self.inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// `key` identifies operation, user and reference.
    pub fn begin(&self, key: String) -> Begin {
        let mut entries = self.lock();
        entries.retain(|_, entry| match entry {
            Entry::Done { at, .. } => at.elapsed() < RETENTION,
            Entry::InProgress => true,
        });
        match entries.get(&key) {
            Some(Entry::Done { answer, .. }) => Begin::Replay(answer.clone()),
            Some(Entry::InProgress) => Begin::InProgress,
            None => {
                entries.insert(key.clone(), Entry::InProgress);
                Begin::Started(Ticket {
                    registry: self.clone(),
                    key,
                    finished: false,
                })
            }
        }
    }

    /// How many references are remembered or running (for tests).
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The right to answer a reference first. Dropping it unfinished (an error, or the
/// client going away) frees the reference.
pub struct Ticket {
    registry: Registry,
    key: String,
    finished: bool,
}

impl Ticket {
    /// Stores a successful answer for replay and returns it unchanged.
    pub async fn finish(mut self, response: Response) -> Response {
        if !response.status().is_success() {
            return response;
        }
        let (parts, body) = response.into_parts();
        let body = match axum::body::to_bytes(body, MAX_STORED_BODY).await {
            Ok(body) => body,
            // Too large or broken: answer without remembering it.
            Err(_) => return StatusCode::INTERNAL_SERVER_ERROR.into_response(),
        };
        let answer = StoredAnswer {
            status: parts.status,
            headers: parts.headers,
            body,
        };
        self.registry.lock().insert(
            self.key.clone(),
            Entry::Done {
                at: Instant::now(),
                answer: answer.clone(),
            },
        );
        self.finished = true;
        answer.into_response()
    }
}

impl Drop for Ticket {
    fn drop(&mut self) {
        if !self.finished {
            self.registry.lock().remove(&self.key);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn replays_completed_answers_and_frees_failed_ones() {
        let registry = Registry::default();
        let Begin::Started(ticket) = registry.begin("a".into()) else {
            panic!("a new reference starts")
        };
        assert!(matches!(registry.begin("a".into()), Begin::InProgress));
        let mut answer = StatusCode::NO_CONTENT.into_response();
        answer
            .headers_mut()
            .insert("request-ref", "r1".parse().expect("header"));
        ticket.finish(answer).await;
        let Begin::Replay(replayed) = registry.begin("a".into()) else {
            panic!("a completed reference replays")
        };
        let replayed = replayed.into_response();
        assert_eq!(replayed.status(), StatusCode::NO_CONTENT);
        assert_eq!(replayed.headers()["request-ref"], "r1");

        let Begin::Started(ticket) = registry.begin("b".into()) else {
            panic!("a new reference starts")
        };
        ticket.finish(StatusCode::NOT_FOUND.into_response()).await;
        assert!(matches!(registry.begin("b".into()), Begin::Started(_)));
        assert_eq!(
            registry.len(),
            1,
            "b is free again after its ticket dropped"
        );
    }
}
