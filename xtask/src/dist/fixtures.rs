//! A built index.html and a config.json, shared by the tests of the dist modules.

/// What trunk 0.21 writes for `--public-url /admin/` (abridged).
pub const INDEX: &str = r#"<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>Lifecycle console</title>
    <base href="/admin/" />
    
<script type="module">
import init, * as bindings from '/admin/lifecycle-console-ad160321911f5050.js';
const wasm = await init({ module_or_path: '/admin/lifecycle-console-ad160321911f5050_bg.wasm' });
</script>
    <link rel="stylesheet" href="/admin/main-8de381580b2f01c2.css" integrity="sha384-Cvy0"/>
  <link rel="modulepreload" href="/admin/lifecycle-console-ad160321911f5050.js" crossorigin="anonymous"></head>
  <body></body>
</html>
"#;

pub const CONFIG: &str = r#"{"connections": [
      {"name": "Prod", "provider": "zitadel-v2", "apiBaseUrl": "https://Acme.zitadel.cloud:443/",
       "issuer": "https://login.acme.example", "clientId": "123@console"},
      {"name": "Staging", "provider": "zitadel-v3alpha", "apiBaseUrl": "https://acme.zitadel.cloud"},
      {"name": "Multi", "provider": "weavr-multi", "apiBaseUrl": "/weavr/multi/"},
      {"name": "Runs", "provider": "weavr-payment-run", "apiBaseUrl": "/weavr/payment-run"}
    ]}"#;
