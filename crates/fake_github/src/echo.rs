//! Echoing faults: a fault's `body`, `headers` and `location` may name parts of the request they
//! answer, so a test can make the fake behave like a server that echoes what it received — the
//! `Authorization` header, the path, the query — into its error `message`, its
//! `documentation_url`, its `errors[]` or a response header (the way misconfigured proxies and
//! some GitHub errors do). The client must never show such an echo unredacted.
//!
//! Placeholders (expanded when the fault answers, never stored):
//!
//! | Placeholder | Becomes |
//! | --- | --- |
//! | `{{header:NAME}}` | the request header `NAME` (case-insensitive) as received, unredacted; empty when absent |
//! | `{{credential:NAME}}` | the same header without its scheme (`Bearer X` → `X`) |
//! | `{{path}}` | the request path |
//! | `{{query}}` | the request query (without `?`), empty when absent |
//!
//! In `body`, a value is inserted JSON-escaped (without quotes), so `"message": "{{header:authorization}}"`
//! stays valid JSON; in `headers` and `location` it is inserted as it is (a value that is not a
//! valid header value leaves the placeholder's header out).

use axum::http::request::Parts;

use crate::shared::Fault;

/// Whether `text` holds a placeholder.
fn has_placeholder(text: &str) -> bool {
    text.contains("{{")
}

/// `text` with every placeholder replaced; `json` escapes the inserted values for a JSON string.
fn expand(text: &str, parts: &Parts, json: bool) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let Some(end) = after.find("}}") else {
            out.push_str(&rest[start..]);
            return out;
        };
        let name = after[..end].trim();
        let value = match name.split_once(':') {
            Some(("header", h)) => header(parts, h),
            Some(("credential", h)) => {
                let v = header(parts, h);
                v.split_once(' ').map_or(v.clone(), |(_, c)| c.trim().to_owned())
            }
            _ if name == "path" => parts.uri.path().to_owned(),
            _ if name == "query" => parts.uri.query().unwrap_or_default().to_owned(),
            _ => format!("{{{{{name}}}}}"),
        };
        if json {
            let quoted = serde_json::to_string(&value).unwrap_or_default();
            out.push_str(&quoted[1..quoted.len() - 1]);
        } else {
            out.push_str(&value);
        }
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    out
}

fn header(parts: &Parts, name: &str) -> String {
    parts
        .headers
        .get_all(name.trim())
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The fault as it answers this request: its placeholders expanded (a fault without any is
/// returned unchanged).
pub(crate) fn for_request(mut fault: Fault, parts: &Parts) -> Fault {
    if let Some(body) = fault.body.as_deref().filter(|b| has_placeholder(b)) {
        let json = serde_json::from_str::<serde_json::Value>(body).is_ok();
        fault.body = Some(expand(body, parts, json));
    }
    if let Some(headers) = fault.headers.as_mut() {
        for value in headers.values_mut().filter(|v| has_placeholder(v)) {
            *value = expand(value, parts, false);
        }
    }
    if let Some(location) = fault.location.as_deref().filter(|l| has_placeholder(l)) {
        fault.location = Some(expand(location, parts, false));
    }
    fault
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::Request;

    fn parts(auth: &str) -> Parts {
        Request::builder()
            .uri("http://x/repos/o/r?per_page=1")
            .header("Authorization", auth)
            .body(())
            .unwrap()
            .into_parts()
            .0
    }

    #[test]
    fn placeholders_are_expanded() {
        let p = parts("Bearer abc\"def");
        assert_eq!(expand("{{header:authorization}}", &p, false), "Bearer abc\"def");
        assert_eq!(
            expand("x {{credential:Authorization}} y", &p, true),
            "x abc\\\"def y"
        );
        assert_eq!(
            expand("{{path}}?{{query}} {{nope}} {{", &p, false),
            "/repos/o/r?per_page=1 {{nope}} {{"
        );
        let mut f = Fault::new(401);
        f.body = Some(r#"{"message":"Bad credentials {{credential:authorization}}"}"#.into());
        let f = for_request(f, &parts("token t0k"));
        assert_eq!(f.body.as_deref(), Some(r#"{"message":"Bad credentials t0k"}"#));
    }
}
