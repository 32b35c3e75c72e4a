//! Test data shared by the bench modules' tests.

use super::sizes::{kind_of, FileSize};
use crate::setup::Versions;

pub fn file(path: &str, raw: u64, gzip: u64) -> FileSize {
    FileSize {
        path: path.into(),
        kind: kind_of(path),
        raw,
        gzip,
    }
}

pub fn versions() -> Versions {
    Versions {
        trunk: "0.21.14".into(),
        wasm_bindgen: "0.2.130".into(),
        wasm_opt: "132".into(),
        chromium: "156".into(),
    }
}
