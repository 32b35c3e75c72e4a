//! lifecycle-console: a browser admin console for identity user lifecycles.
//! The crate root is a library so that `tests/` can mount any part of it.

pub mod api;
pub mod app;
pub mod auth;
pub mod components;
pub mod config;
pub mod domain;
pub mod http;
pub mod layout;
pub mod pages;
pub mod providers;
pub mod site;
pub mod storage;
pub mod theme;
