//! What a fault is (`FaultSpec`, parsed from `latency=…,status=…` text), the faults
//! armed through `/debug/faults`, and the latency the Weavr gate serves itself. Plain
//! data: the middleware that applies them is `faults`.

use axum::http::{Method, StatusCode};
use serde::Serialize;
use std::fmt;
use std::str::FromStr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The longest `latency` accepted, so a typo cannot hang a test run for hours.
const MAX_LATENCY_MS: u64 = 600_000;

/// What the sandbox answers instead of the handler.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// `status=CODE[,nobody]`: an error in the provider's own style, or no body.
    Status { status: StatusCode, body: bool },
    /// `truncate`: a 200 whose JSON body is cut in half.
    Truncate,
    /// `non-json`: a 200 `text/plain` body "oops".
    NonJson,
    /// `html=CODE`: an nginx-like HTML error page.
    Html(StatusCode),
    /// `drop`: the connection is closed without any answer.
    Drop,
    /// `wrong-shape`: a 200 with valid JSON of the wrong shape.
    WrongShape,
}

/// A parsed fault spec: items separated by `;`, e.g. `latency=300;status=503`.
///
/// | item | effect |
/// |---|---|
/// | `latency=MS` | wait MS milliseconds, then answer (normally, or with the other item) |
/// | `status=CODE` / `status=CODE,nobody` | answer CODE with the provider's error body / none |
/// | `retry-after=SECONDS` | a 429 (or the given status) with `Retry-After`; Weavr also gets `x-ratelimit-*` |
/// | `truncate`, `non-json`, `wrong-shape` | a 200 with a broken, non-JSON or unexpected body |
/// | `html=CODE` | an nginx-like HTML error page with status CODE |
/// | `drop` | close the connection without answering |
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FaultSpec {
    text: String,
    pub latency: Option<Duration>,
    pub retry_after: Option<u32>,
    answer: Option<Answer>,
}

impl FaultSpec {
    /// The answer given instead of the handler's, if any (`retry-after` alone is a 429).
    pub fn answer(&self) -> Option<Answer> {
        match (&self.answer, self.retry_after) {
            (Some(answer), _) => Some(answer.clone()),
            (None, Some(_)) => Some(Answer::Status {
                status: StatusCode::TOO_MANY_REQUESTS,
                body: true,
            }),
            (None, None) => None,
        }
    }
}

impl fmt::Display for FaultSpec {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl FromStr for FaultSpec {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let mut spec = FaultSpec {
            text: text.trim().to_string(),
            latency: None,
            retry_after: None,
            answer: None,
        };
        let set_answer = |answer: Answer, spec: &mut FaultSpec| match &spec.answer {
            Some(_) => Err(format!(
                "`{}` has more than one of status, truncate, non-json, html, drop, wrong-shape",
                spec.text
            )),
            None => {
                spec.answer = Some(answer);
                Ok(())
            }
        };
        for item in text.split(';').map(str::trim).filter(|i| !i.is_empty()) {
            let (name, value) = match item.split_once('=') {
                Some((name, value)) => (name.trim(), Some(value.trim())),
                None => (item, None),
            };
            match (name, value) {
                ("latency", Some(ms)) => {
                    let ms: u64 = ms
                        .parse()
                        .ok()
                        .filter(|ms| *ms <= MAX_LATENCY_MS)
                        .ok_or_else(|| {
                            format!("latency={ms}: give milliseconds, 0 to {MAX_LATENCY_MS}")
                        })?;
                    spec.latency = Some(Duration::from_millis(ms));
                }
                ("status", Some(value)) => {
                    let (code, body) = match value.split_once(',') {
                        Some((code, "nobody")) => (code.trim(), false),
                        Some((_, other)) => {
                            return Err(format!("status={value}: unknown option `{other}`"))
                        }
                        None => (value, true),
                    };
                    let status = error_status(code, "status")?;
                    set_answer(Answer::Status { status, body }, &mut spec)?;
                }
                ("retry-after", Some(seconds)) => {
                    let seconds = seconds
                        .parse()
                        .map_err(|_| format!("retry-after={seconds}: give whole seconds"))?;
                    spec.retry_after = Some(seconds);
                }
                ("html", Some(code)) => {
                    let status = error_status(code, "html")?;
                    set_answer(Answer::Html(status), &mut spec)?;
                }
                ("truncate", None) => set_answer(Answer::Truncate, &mut spec)?,
                ("non-json", None) => set_answer(Answer::NonJson, &mut spec)?,
                ("drop", None) => set_answer(Answer::Drop, &mut spec)?,
                ("wrong-shape", None) => set_answer(Answer::WrongShape, &mut spec)?,
                _ => {
                    return Err(format!(
                        "unknown fault `{item}`; use latency=MS, status=CODE[,nobody], \
                         retry-after=SECONDS, truncate, non-json, html=CODE, drop or \
                         wrong-shape, joined with `;`"
                    ))
                }
            }
        }
        if spec.latency.is_none() && spec.answer().is_none() {
            return Err("an empty fault spec".to_string());
        }
        let retry_after_fits = matches!(
            spec.answer,
            None | Some(Answer::Status { .. }) | Some(Answer::Html(_))
        );
        if spec.retry_after.is_some() && !retry_after_fits {
            return Err("retry-after goes with status=CODE or html=CODE only".to_string());
        }
        Ok(spec)
    }
}

/// A status code from 400 to 599.
fn error_status(code: &str, item: &str) -> Result<StatusCode, String> {
    code.parse::<u16>()
        .ok()
        .filter(|code| (400..=599).contains(code))
        .and_then(|code| StatusCode::from_u16(code).ok())
        .ok_or_else(|| format!("{item}={code}: give an HTTP status from 400 to 599"))
}

/// Marks a Weavr request whose `latency` the Weavr gate serves itself, after it has
/// registered the request's `idempotency-ref`: a duplicate sent during the delay then
/// finds the first request in progress, as on a real server. Served once: if the
/// request never reaches the gate (an unknown path), `apply` serves it afterwards.
#[derive(Debug, Clone)]
pub struct DeferredLatency {
    delay: Duration,
    served: Arc<AtomicBool>,
}

impl DeferredLatency {
    pub fn new(delay: Duration) -> Self {
        DeferredLatency {
            delay,
            served: Arc::new(AtomicBool::new(false)),
        }
    }

    /// Waits the delay, unless it was already served.
    pub async fn serve(&self) {
        if !self.served.swap(true, Ordering::SeqCst) {
            tokio::time::sleep(self.delay).await;
        }
    }
}

/// Faults armed through `/debug/faults`, shared by all requests.
#[derive(Clone, Default)]
pub struct ArmedFaults {
    inner: Arc<Mutex<ArmedList>>,
}

#[derive(Default)]
struct ArmedList {
    next_id: u64,
    faults: Vec<ArmedFault>,
}

/// One armed fault, as `GET /debug/faults` lists it.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ArmedFault {
    pub id: u64,
    pub path_prefix: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    pub fault: String,
    /// How many more matching requests get it.
    pub remaining: u32,
    #[serde(skip)]
    spec: FaultSpec,
}

impl ArmedFaults {
    fn lock(&self) -> std::sync::MutexGuard<'_, ArmedList> {
        // The list stays consistent even if a holder panicked.
        self.inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub fn arm(
        &self,
        path_prefix: String,
        method: Option<Method>,
        spec: FaultSpec,
        times: u32,
    ) -> ArmedFault {
        let mut list = self.lock();
        list.next_id += 1;
        let fault = ArmedFault {
            id: list.next_id,
            path_prefix,
            method: method.map(|m| m.to_string()),
            fault: spec.to_string(),
            remaining: times,
            spec,
        };
        list.faults.push(fault.clone());
        fault
    }

    /// The first armed fault matching the request, counted down and removed once used up.
    pub fn take(&self, method: &Method, path: &str) -> Option<FaultSpec> {
        let mut list = self.lock();
        let index = list.faults.iter().position(|f| {
            path.starts_with(&f.path_prefix)
                && f.method.as_deref().is_none_or(|m| m == method.as_str())
        })?;
        let fault = &mut list.faults[index];
        fault.remaining -= 1;
        let spec = fault.spec.clone();
        if fault.remaining == 0 {
            list.faults.remove(index);
        }
        Some(spec)
    }

    pub fn list(&self) -> Vec<ArmedFault> {
        self.lock().faults.clone()
    }

    /// Disarms everything; returns how many were armed.
    pub fn clear(&self) -> usize {
        let mut list = self.lock();
        let count = list.faults.len();
        list.faults.clear();
        count
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<FaultSpec, String> {
        text.parse()
    }

    #[test]
    fn specs_parse_and_combine() {
        let spec = parse("latency=250; status=503").expect("valid");
        assert_eq!(spec.latency, Some(Duration::from_millis(250)));
        assert_eq!(
            spec.answer(),
            Some(Answer::Status {
                status: StatusCode::SERVICE_UNAVAILABLE,
                body: true
            })
        );
        assert_eq!(spec.to_string(), "latency=250; status=503");
        let quiet = parse("status=500,nobody").expect("valid");
        assert_eq!(
            quiet.answer(),
            Some(Answer::Status {
                status: StatusCode::INTERNAL_SERVER_ERROR,
                body: false
            })
        );
        let slow = parse("retry-after=7").expect("valid");
        assert_eq!(slow.retry_after, Some(7));
        assert_eq!(
            slow.answer(),
            Some(Answer::Status {
                status: StatusCode::TOO_MANY_REQUESTS,
                body: true
            })
        );
        assert_eq!(parse("latency=10").expect("valid").answer(), None);
        for (text, answer) in [
            ("truncate", Answer::Truncate),
            ("non-json", Answer::NonJson),
            ("html=502", Answer::Html(StatusCode::BAD_GATEWAY)),
            ("drop", Answer::Drop),
            ("wrong-shape", Answer::WrongShape),
        ] {
            assert_eq!(parse(text).expect(text).answer(), Some(answer), "{text}");
        }
    }

    #[test]
    fn bad_specs_are_refused_with_a_reason() {
        for text in [
            "",
            ";",
            "latency=soon",
            "status=200",
            "status=503,quietly",
            "truncate;drop",
            "explode",
            "retry-after=5;drop",
            "latency=999999999",
        ] {
            assert!(parse(text).is_err(), "{text}");
        }
    }

    #[test]
    fn armed_faults_count_down_and_match_method_and_prefix() {
        let armed = ArmedFaults::default();
        let spec = parse("status=503").expect("valid");
        armed.arm("/v2/users/1".into(), Some(Method::POST), spec.clone(), 2);
        assert_eq!(armed.take(&Method::GET, "/v2/users/1"), None);
        assert_eq!(armed.take(&Method::POST, "/v2/users/2/lock"), None);
        assert_eq!(
            armed.take(&Method::POST, "/v2/users/1/lock"),
            Some(spec.clone())
        );
        assert_eq!(armed.list()[0].remaining, 1);
        assert_eq!(armed.take(&Method::POST, "/v2/users/1/lock"), Some(spec));
        assert_eq!(armed.take(&Method::POST, "/v2/users/1/lock"), None);
        assert!(armed.list().is_empty());
    }
}
