//! Files the console hands to the browser. A file is a list of `Blob` parts,
//! each made as soon as its text is known, so a large export is held once,
//! by the browser, rather than as rows plus one giant string in the tab. It is
//! saved through an object URL and a download link: no inline script and no
//! `data:` URL, so the strict Content-Security-Policy allows it.

use std::time::Duration;

use leptos::prelude::set_timeout;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Blob, BlobPropertyBag, HtmlAnchorElement, Url};

/// A file being built, part by part.
pub struct FileParts(js_sys::Array);

impl Default for FileParts {
    fn default() -> Self {
        FileParts(js_sys::Array::new())
    }
}

impl FileParts {
    /// Appends `text` (UTF-8 in the file) as a new part.
    pub fn push(&self, text: &str) -> Result<(), JsValue> {
        let blob = Blob::new_with_str_sequence(&js_sys::Array::of1(&JsValue::from_str(text)))?;
        self.0.push(&blob);
        Ok(())
    }

    /// Offers the parts as one CSV file named `name`.
    pub fn save_csv(&self, name: &str) -> Result<(), JsValue> {
        let options = BlobPropertyBag::new();
        options.set_type("text/csv;charset=utf-8");
        let file = Blob::new_with_blob_sequence_and_options(&self.0, &options)?;
        save(&file, name)
    }
}

/// A CSV file made of one text.
pub fn save_csv_text(text: &str, name: &str) -> Result<(), JsValue> {
    let parts = FileParts::default();
    parts.push(text)?;
    parts.save_csv(name)
}

fn save(file: &Blob, name: &str) -> Result<(), JsValue> {
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or_else(|| JsValue::from_str("no document"))?;
    let body = document
        .body()
        .ok_or_else(|| JsValue::from_str("no body"))?;
    let url = Url::create_object_url_with_blob(file)?;
    let link: HtmlAnchorElement = document.create_element("a")?.dyn_into()?;
    link.set_href(&url);
    link.set_download(name);
    link.set_hidden(true);
    body.append_child(&link)?;
    link.click();
    link.remove();
    // The download holds the file once it started; the URL is let go
    // afterwards so the browser can free it.
    set_timeout(
        move || {
            let _ = Url::revoke_object_url(&url);
        },
        Duration::from_secs(60),
    );
    Ok(())
}
