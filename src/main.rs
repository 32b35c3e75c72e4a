use wasm_bindgen::prelude::wasm_bindgen;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = console, js_name = error)]
    fn console_error(message: &str);
}

fn main() {
    // A panic aborts the app (panic = "abort"); say why on the console, with
    // the message and where it happened, instead of a bare "unreachable".
    std::panic::set_hook(Box::new(|panic| console_error(&panic.to_string())));
    // Before the first paint, so a dark pick never flashes light.
    lifecycle_console::theme::Theme::remembered().apply();
    // Mounts once the language is there (at once, unless it must be downloaded).
    lifecycle_console::language::start(|| {
        leptos::mount::mount_to_body(lifecycle_console::app::App);
        // After the page has sent its first request: runs while that is in flight.
        leptos::prelude::set_timeout(
            || {
                let locale = lifecycle_console::language::current_tag();
                lifecycle_console::components::prepare_formatters(locale);
            },
            std::time::Duration::ZERO,
        );
    });
}
