use leptos::prelude::*;

use crate::api::Api;
use crate::domain::history::REASON_METADATA_KEY;
use crate::domain::LifecycleAction;
use crate::tr;

/// Asks before a destructive action. A native modal `<dialog>`: the rest of
/// the page is inert while it is open and Escape cancels it. Actions that
/// cannot be undone also ask for `typed_confirmation` to be typed.
#[component]
pub fn ConfirmDialog<A: LifecycleAction>(
    action: A,
    subject: String,
    typed_confirmation: String,
    /// Runs with the reason the admin gave, if any.
    on_confirm: Callback<Option<String>>,
    on_cancel: Callback<()>,
) -> impl IntoView {
    let dialog = NodeRef::<leptos::html::Dialog>::new();
    Effect::new(move || {
        if let Some(dialog) = dialog.get() {
            if !dialog.open() {
                let _ = dialog.show_modal();
            }
        }
    });

    // Opened only for actions that ask first.
    let confirmation = action.confirmation(&subject).unwrap_or_default();
    let typed = RwSignal::new(String::new());
    let reason = RwSignal::new(String::new());
    let needs_typing = action.needs_typed_confirmation();
    let expected = StoredValue::new(typed_confirmation.clone());
    let can_confirm =
        move || !needs_typing || typed.with(|t| expected.with_value(|e| t.trim() == e));
    // Where the reason goes: kept on the user when the connection records
    // reasons, else only sent with the change.
    let records = Api::try_current().is_some_and(|api| api.records_reasons());
    let reason_hint = match (records, action.reason_kept_on_user()) {
        (true, Some(true)) => tr!(history.reason_hint_kept, key = REASON_METADATA_KEY),
        (true, Some(false)) => tr!(history.reason_hint_deleted).to_string(),
        _ => tr!(user.reason_hint).to_string(),
    };
    let typing_field = needs_typing.then(|| {
        view! {
            <label class="field">
                // Two texts around the code, so each language can place it.
                <span>
                    {tr!(user.type_to_confirm_before)} " " <code>{typed_confirmation}</code> " "
                    {tr!(user.type_to_confirm_after)}
                </span>
                <input
                    type="text"
                    autocomplete="off"
                    spellcheck="false"
                    prop:value=move || typed.get()
                    on:input=move |ev| typed.set(event_target_value(&ev))
                />
            </label>
        }
    });

    view! {
        <dialog
            node_ref=dialog
            class="confirm"
            aria-labelledby="confirm-title"
            aria-describedby="confirm-consequence"
            on:cancel=move |ev: leptos::ev::Event| {
                ev.prevent_default();
                on_cancel.run(());
            }
            on:keydown=move |ev: leptos::ev::KeyboardEvent| {
                if let Some(dialog) = dialog.get_untracked() {
                    keep_tab_inside(&dialog, &ev);
                }
            }
        >
            <form on:submit=move |ev| {
                ev.prevent_default();
                if can_confirm() {
                    let given = reason.get_untracked().trim().to_string();
                    on_confirm.run((!given.is_empty()).then_some(given));
                }
            }>
                <h2 id="confirm-title">{confirmation.title}</h2>
                <p id="confirm-consequence">{confirmation.consequence}</p>
                {typing_field}
                <label class="field">
                    <span>{tr!(user.reason_label)}</span>
                    <textarea
                        rows="2"
                        maxlength="500"
                        aria-describedby="reason-hint"
                        prop:value=move || reason.get()
                        on:input=move |ev| reason.set(event_target_value(&ev))
                    ></textarea>
                    <small id="reason-hint" class="muted" data-testid="reason-hint">
                        {reason_hint}
                    </small>
                </label>
                <div class="dialog-buttons">
                    <button type="button" on:click=move |_| on_cancel.run(())>{tr!(user.cancel)}</button>
                    <button type="submit" class="danger" disabled=move || !can_confirm()>{action.label()}</button>
                </div>
            </form>
        </dialog>
    }
}

/// Tab from the last control goes to the first, Shift+Tab from the first to
/// the last: the browser's modal dialog would otherwise let focus leave for
/// its own toolbar.
fn keep_tab_inside(dialog: &web_sys::HtmlDialogElement, ev: &leptos::ev::KeyboardEvent) {
    use wasm_bindgen::JsCast;

    if ev.key() != "Tab" {
        return;
    }
    let Ok(found) = dialog.query_selector_all("button:not([disabled]), input, textarea, select")
    else {
        return;
    };
    let controls: Vec<web_sys::HtmlElement> = (0..found.length())
        .filter_map(|i| found.item(i)?.dyn_into().ok())
        .collect();
    let (Some(first), Some(last)) = (controls.first(), controls.last()) else {
        return;
    };
    let active = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.active_element());
    let is = |control: &web_sys::HtmlElement| {
        active
            .as_ref()
            .is_some_and(|a| a == control.unchecked_ref::<web_sys::Element>())
    };
    let target = if ev.shift_key() && is(first) {
        last
    } else if !ev.shift_key() && is(last) {
        first
    } else {
        return;
    };
    ev.prevent_default();
    let _ = target.focus();
}
