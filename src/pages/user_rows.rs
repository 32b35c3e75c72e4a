//! The users table's rows, built with plain DOM calls.
//!
//! The console is built with Leptos's `erase_components` (`.cargo/config.toml`): every
//! view is type-erased, which keeps the bundle about 47 KB gzip smaller, but builds a
//! table of 1,000 rows through erased views about 70 % slower. A row has nothing
//! reactive (one listener and one watcher on the `<tbody>` follow the checkboxes), so
//! it is made here at full speed. Every text goes in as text (`textContent`) and every
//! value as an attribute value: nothing is parsed as HTML.

use std::collections::HashMap;

use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Document, Element, HtmlInputElement};

use crate::components::{owner_label_named, TimeTexts};
use crate::domain::User;
use crate::tr;

/// One `<tr>` of the users table: checkbox, name (a link to `href`), login
/// name, state badge, owner (named from `organizations`, by id, where the
/// console knows the name) and when it last changed. The same markup the
/// table's header, styles and tests expect.
pub fn user_row(
    document: &Document,
    user: &User,
    href: &str,
    selected: bool,
    organizations: &HashMap<String, String>,
) -> Result<Element, JsValue> {
    let row = document.create_element("tr")?;
    row.set_attribute("data-user-id", &user.id)?;

    let checkbox: HtmlInputElement = document.create_element("input")?.unchecked_into();
    checkbox.set_type("checkbox");
    checkbox.set_checked(selected);
    checkbox.set_attribute(
        "aria-label",
        &tr!(users.select_user, name = &user.display_name),
    )?;
    cell(document, &row, None)?.append_child(&checkbox)?;

    let link = document.create_element("a")?;
    link.set_attribute("href", href)?;
    link.set_text_content(Some(&user.display_name));
    cell(document, &row, None)?.append_child(&link)?;

    let login_name = user.login_name.as_deref().unwrap_or(&user.username);
    cell(document, &row, Some("muted"))?.set_text_content(Some(login_name));

    let badge = document.create_element("span")?;
    badge.set_class_name(&format!("badge badge-{}", user.state.css_name()));
    badge.set_attribute("data-testid", "state-badge")?;
    badge.set_text_content(Some(user.state.label()));
    cell(document, &row, None)?.append_child(&badge)?;

    let owner = user.details.owner.as_ref().map(|o| {
        let name = organizations.get(&o.id).map(String::as_str);
        format!("{} {}", owner_label_named(o, name), o.id)
    });
    cell(document, &row, Some("muted"))?.set_text_content(owner.as_deref());

    let changed = cell(document, &row, None)?;
    if let Some(timestamp) = &user.details.changed {
        let texts = TimeTexts::of(timestamp, true);
        let time = document.create_element("time")?;
        time.set_attribute("datetime", &texts.utc)?;
        time.set_attribute("title", &texts.compact_title())?;
        time.set_text_content(Some(&texts.local));
        changed.append_child(&time)?;
    }
    Ok(row)
}

/// A new `<td>` at the end of `row`.
fn cell(document: &Document, row: &Element, class: Option<&str>) -> Result<Element, JsValue> {
    let td = document.create_element("td")?;
    if let Some(class) = class {
        td.set_class_name(class);
    }
    row.append_child(&td)?;
    Ok(td)
}
