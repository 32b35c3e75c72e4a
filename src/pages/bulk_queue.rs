//! How bulk changes run, for the users list's bulk actions and the pasted
//! list alike: a few requests in flight, each user's outcome from the
//! server's answer only, and a stop that takes effect between requests.

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::future::Future;
use std::rc::Rc;

use leptos::task::spawn_local;

use super::confirmed::read_until_made;
use crate::api::{new_intent, Api, Intent};
use crate::domain::{BulkOutcome, Details, User, UserAction};
use crate::http::ApiError;
use crate::tr;

/// Bulk requests in flight at once: fast, without tripping rate limits.
pub const BULK_CONCURRENCY: usize = 4;

/// What runs once a queue is done.
type Finished = Box<dyn FnOnce()>;

/// Runs `work` for each item, `concurrency` at a time. `stopped` is asked
/// before each next item is taken: a stop lets the requests in flight finish
/// and sends no other. `finished` runs once, when the last worker is done.
pub fn run_queue<T, W, F>(
    items: Vec<T>,
    concurrency: usize,
    stopped: impl Fn() -> bool + 'static,
    work: W,
    finished: impl FnOnce() + 'static,
) where
    T: 'static,
    W: Fn(T) -> F + 'static,
    F: Future<Output = ()> + 'static,
{
    let queue = Rc::new(RefCell::new(VecDeque::from(items)));
    let workers_left = Rc::new(Cell::new(concurrency));
    let stopped: Rc<dyn Fn() -> bool> = Rc::new(stopped);
    let work = Rc::new(work);
    let finished: Rc<Cell<Option<Finished>>> = Rc::new(Cell::new(Some(Box::new(finished))));
    for _ in 0..concurrency {
        let (queue, workers_left, stopped, work, finished) = (
            queue.clone(),
            workers_left.clone(),
            stopped.clone(),
            work.clone(),
            finished.clone(),
        );
        spawn_local(async move {
            loop {
                if stopped() {
                    break;
                }
                let Some(item) = queue.borrow_mut().pop_front() else {
                    break;
                };
                work(item).await;
            }
            workers_left.set(workers_left.get() - 1);
            if workers_left.get() == 0 {
                if let Some(finished) = finished.take() {
                    finished();
                }
            }
        });
    }
}

/// Sends `action` for one user of a bulk run. Done only when the server
/// confirmed it (the change is remembered for every page), or when its
/// answer was lost and a read like the user page's shows it made after all;
/// a state precondition means it already was so (contracts); anything else
/// failed. A reason is then kept on the user as on the user's page, when the
/// connection records reasons; if that fails the change still stands, with
/// a note saying so.
pub async fn act_on(
    api: &Api,
    user: &User,
    action: UserAction,
    reason: Option<String>,
) -> BulkOutcome {
    let intent = Intent {
        reason,
        ..new_intent(action)
    };
    match api.act(&user.id, &intent).await {
        Ok(details) => {
            api.remember_confirmed_user(&user.after(action, details.clone()));
            let note = keep_reason(api, user, &intent, &details)
                .await
                .err()
                .map(|error| tr!(history.reason_not_kept_because, error = describe(&error)));
            BulkOutcome::Done(note)
        }
        Err(ApiError::Conflict(message)) => {
            BulkOutcome::Skipped(tr!(users.server_refused, message))
        }
        Err(error) if error.leaves_outcome_unknown() => {
            let read = || api.get_user(&user.id);
            match read_until_made::<User, _, _>(action, read).await {
                Some(read) => {
                    // Every page of the connection shows the state the read
                    // confirmed, not the list's lagging one.
                    api.remember_confirmed_user(&read);
                    BulkOutcome::Done(Some(tr!(user.made_after_all).to_string()))
                }
                None => BulkOutcome::Failed(describe(&error)),
            }
        }
        Err(error) => BulkOutcome::Failed(describe(&error)),
    }
}

/// Keeps the reason of a confirmed change on the user, when the connection
/// records reasons and there is one to keep (a deleted user keeps none).
async fn keep_reason(
    api: &Api,
    user: &User,
    intent: &Intent,
    details: &Details,
) -> Result<(), ApiError> {
    let Some(pending) = api.reason_to_keep(intent, details) else {
        return Ok(());
    };
    let organization = details
        .owner
        .as_ref()
        .or(user.details.owner.as_ref())
        .map(|owner| owner.id.as_str());
    api.record_reason(&user.id, organization, &pending).await
}

/// An error with the server's own message, when it sent one. An older
/// server sends none: the version needed is said instead.
pub fn describe(error: &ApiError) -> String {
    if let ApiError::ServerTooOld { .. } = error {
        return format!("{error}: {}", error.advice());
    }
    match error
        .server_message()
        .map(ToString::to_string)
        .filter(|m| !m.is_empty())
    {
        Some(message) => format!("{error}: {message}"),
        None => error.to_string(),
    }
}

/// What a bulk outcome reads as in a list.
pub fn outcome_text(outcome: &BulkOutcome) -> (&'static str, String) {
    match outcome {
        BulkOutcome::Done(None) => ("done", tr!(users.outcome_done).to_string()),
        BulkOutcome::Done(Some(note)) => ("done", format!("{}. {note}", tr!(users.outcome_done))),
        BulkOutcome::Skipped(why) => ("skipped", tr!(users.outcome_skipped, why)),
        BulkOutcome::Failed(why) => ("failed", tr!(users.outcome_failed, why)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_older_server_is_described_with_the_version_needed() {
        let text = describe(&ApiError::ServerTooOld { needs: "2.58" });
        assert!(
            text.starts_with("Server version too old: ") && text.contains("2.58"),
            "{text}"
        );
    }
}
