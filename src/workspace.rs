//! Which connection, and which of its organisations, the tab works in, and
//! what a connection provides to every page below it. Apart from `app`, so
//! that the app, the language switch and the layout need not import each other.

use leptos::prelude::*;

use crate::api::Api;
use crate::auth::Session;
use crate::config::Connection;

/// Changing the connection or the organisation rebuilds everything below,
/// so no page keeps data of the other one.
#[derive(Clone, Copy, Debug)]
pub struct Workspace {
    pub active: RwSignal<usize>,
    /// Bumped when the admin switches organisation.
    pub revision: RwSignal<u32>,
}

impl Workspace {
    /// The tab's workspace (provided by the app's `Console`).
    pub fn current() -> Workspace {
        expect_context()
    }

    /// The workspace, where there is one (not in a test that mounts a page alone).
    pub fn try_current() -> Option<Workspace> {
        use_context()
    }
}

/// Provides the connection, its session and its API to everything below:
/// the app calls it for the active connection, the browser tests for theirs.
pub fn provide_connection(connection: Connection, session: Session) {
    provide_context(session);
    provide_context(Api::new(&connection, session));
    provide_context(connection);
}
