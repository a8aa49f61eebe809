//! Client ID Metadata Documents (draft-ietf-oauth-client-id-metadata-document,
//! in MCP since 2025-11-25): a `client_id` that is a URL names a JSON
//! document the client publishes with its metadata. When an authorization
//! request carries one, the server fetches the document, checks it, and
//! treats the client as registered with what it says.
//!
//! A server that fetches URLs its requests name is an SSRF risk, so this
//! one fetches little and says little:
//!
//! - only `http` URLs on a loopback host (the learner's client, on this
//!   machine). CIMD asks for `https`; this offline tutorial has no TLS and
//!   serves the document on loopback `http`, a deviation its lessons name;
//! - one GET, no redirect followed, no proxy, within a timeout and a size
//!   cap (`Limits`);
//! - a refusal names the rule that failed, never the fetched content.
//!
//! Every fetch is reported with what was sent, what came back and each
//! check ([`Report::Fetched`]): a step whose actor is the server.

use tokio::time::Instant;
use url::{Host, Url};

use super::error::OAuthError;
use super::store::Client;
use super::{Shared, redirect_uri, request_id};
use crate::record::{Check, Report, ServerFetch};
use crate::wire::{Exchange, HttpRequest, HttpResponse, utf8_text};

/// What the fetch is for, as the record names it.
const PURPOSE: &str = "fetches the client metadata document (CIMD)";

/// Whether a `client_id` names a metadata document rather than a
/// registration: it is an `http` or `https` URL.
pub(crate) fn is_metadata_url(client_id: &str) -> bool {
    client_id.starts_with("https://") || client_id.starts_with("http://")
}

/// The HTTP client the server fetches with: no redirect, no proxy (a proxy
/// would turn "loopback only" into "whatever the proxy reaches"), bounded in
/// time. `None` if it cannot be built (then nothing is fetched): a default
/// client would follow redirects.
pub(crate) fn fetcher(timeout: std::time::Duration) -> Option<reqwest::Client> {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .timeout(timeout)
        .connect_timeout(timeout)
        .build()
        .ok()
}

/// Fetches and checks the document at `url`; on success the client is in
/// the store under that `client_id`, for the consent page and the token
/// request. Reports the fetch either way.
pub(crate) async fn resolve(shared: &Shared, url: &str) -> Result<(), OAuthError> {
    let mut checks = Vec::new();
    let (outcome, exchange) = match fetch(shared, url, &mut checks).await {
        Ok((client, exchange)) => (Ok(client), Some(exchange)),
        Err(exchange) => (Err(()), exchange),
    };
    let accepted = outcome.is_ok();
    shared.report(
        request_id::current(),
        Report::Fetched(ServerFetch {
            purpose: PURPOSE.into(),
            exchange,
            checks: checks.clone(),
            accepted,
        }),
    );
    match outcome {
        Ok(client) => {
            shared
                .store()
                .clients
                .insert(url.to_owned(), client, Instant::now());
            Ok(())
        }
        Err(()) => {
            let rule = checks
                .iter()
                .find(|c| !c.passed)
                .map_or("the document could not be used", |c| c.rule.as_str());
            Err(OAuthError::new(
                "invalid_client",
                format!("client_id {url} is a client metadata document URL, and {rule}"),
            ))
        }
    }
}

/// The URL's checks, the fetch, the document's checks. `Err` carries the
/// exchange when the request went out.
async fn fetch(
    shared: &Shared,
    url: &str,
    checks: &mut Vec<Check>,
) -> Result<(Client, Exchange), Option<Exchange>> {
    let parsed = check_url(url, checks).ok_or(None)?;
    let limits = &shared.config.limits;
    let request = HttpRequest {
        method: "GET".into(),
        url: parsed.to_string(),
        params: Vec::new(),
        headers: vec![("accept".into(), "application/json".into())],
        body: None,
    };
    let Some(fetcher) = &shared.fetcher else {
        checks.push(Check::failed(
            "the document could be fetched (no HTTP client)",
        ));
        return Err(None);
    };
    let sent = fetcher
        .get(parsed.as_str())
        .header(reqwest::header::ACCEPT, "application/json")
        .send()
        .await;
    let response = match sent {
        Ok(response) => response,
        Err(error) => {
            checks.push(Check::failed(format!(
                "the document could be fetched ({})",
                if error.is_timeout() {
                    "no answer in time"
                } else {
                    "no connection"
                }
            )));
            return Err(None);
        }
    };
    let status = response.status().as_u16();
    let headers: Vec<(String, String)> = response
        .headers()
        .iter()
        .filter(|(name, _)| *name != reqwest::header::DATE)
        .map(|(n, v)| (n.as_str().to_owned(), utf8_text(v.as_bytes()).into_owned()))
        .collect();
    let (bytes, complete) = read_capped(response, limits.max_client_metadata_bytes).await;
    let text = utf8_text(&bytes).into_owned();
    let exchange = Exchange {
        purpose: PURPOSE.into(),
        request,
        response: HttpResponse {
            status,
            headers,
            body: (!text.is_empty()).then_some(text.clone()),
        },
    };
    match check_document(shared, url, status, complete, &text, checks) {
        Some(client) => Ok((client, exchange)),
        None => Err(Some(exchange)),
    }
}

/// The rules about the URL itself, before anything is sent.
fn check_url(url: &str, checks: &mut Vec<Check>) -> Option<Url> {
    let parsed = Url::parse(url).ok();
    let shaped = parsed.as_ref().filter(|u| {
        u.path() != "/"
            && u.fragment().is_none()
            && u.username().is_empty()
            && u.password().is_none()
    });
    checks.push(Check::new(
        shaped.is_some(),
        "the client_id URL has a path, and no fragment, user or password (CIMD)",
    ));
    let url = shaped?.clone();
    let loopback = match url.host() {
        Some(Host::Ipv4(ip)) => ip.is_loopback(),
        Some(Host::Ipv6(ip)) => ip.is_loopback(),
        Some(Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        None => false,
    };
    let fetchable = url.scheme() == "http" && loopback;
    checks.push(Check::new(
        fetchable,
        "the document is on this machine (http on a loopback host): this server fetches nothing else, so a client_id cannot make it reach other hosts; CIMD asks for https, which this offline tutorial replaces with loopback http",
    ));
    fetchable.then_some(url)
}

/// At most `cap` bytes of the body, and whether that was all of it.
async fn read_capped(mut response: reqwest::Response, cap: usize) -> (Vec<u8>, bool) {
    let mut bytes = Vec::new();
    loop {
        match response.chunk().await {
            Ok(Some(chunk)) if bytes.len() + chunk.len() > cap => {
                let room = cap - bytes.len();
                bytes.extend_from_slice(&chunk[..room]);
                return (bytes, false);
            }
            Ok(Some(chunk)) => bytes.extend_from_slice(&chunk),
            Ok(None) => return (bytes, true),
            Err(_) => return (bytes, false),
        }
    }
}

/// The rules about the answer and the document, in order, stopping at the
/// first that fails.
fn check_document(
    shared: &Shared,
    url: &str,
    status: u16,
    complete: bool,
    text: &str,
    checks: &mut Vec<Check>,
) -> Option<Client> {
    let limits = &shared.config.limits;
    let mut rule = |passed: bool, rule: String| {
        checks.push(Check::new(passed, rule));
        passed.then_some(())
    };
    rule(
        status == 200,
        format!("the answer is 200 OK (got {status})"),
    )?;
    rule(
        complete,
        format!(
            "the document fits in {} bytes and arrived whole",
            limits.max_client_metadata_bytes
        ),
    )?;
    let document = serde_json::from_str::<serde_json::Value>(text).ok();
    let fields = document.as_ref().and_then(|d| d.as_object());
    let fields = rule(fields.is_some(), "the document is a JSON object".into()).and(fields)?;
    let named = fields.get("client_id").and_then(|v| v.as_str());
    rule(
        named == Some(url),
        "its client_id equals the URL it was fetched from, byte for byte (CIMD)".into(),
    )?;
    let uris: Option<Vec<String>> = fields
        .get("redirect_uris")
        .and_then(|v| v.as_array())
        .and_then(|items| {
            items
                .iter()
                .map(|v| v.as_str().map(str::to_owned))
                .collect()
        })
        .filter(|uris: &Vec<String>| {
            !uris.is_empty()
                && uris.len() <= limits.max_redirect_uris
                && uris.iter().all(|u| {
                    u.len() <= limits.max_redirect_uri_bytes
                        && redirect_uri::registration_problem(
                            u,
                            shared.config.allow_https_redirects,
                        )
                        .is_none()
                })
        });
    rule(
        uris.is_some(),
        format!(
            "redirect_uris lists 1 to {} redirect URIs this server accepts (loopback http or a reverse-domain scheme)",
            limits.max_redirect_uris
        ),
    )?;
    let method_ok = fields
        .get("token_endpoint_auth_method")
        .is_none_or(|method| method == "none");
    let public = method_ok && !fields.contains_key("client_secret");
    rule(
        public,
        "a public client: token_endpoint_auth_method none and no client_secret (a document anyone can read holds no secret)".into(),
    )?;
    let name = match fields.get("client_name") {
        None => None,
        Some(serde_json::Value::String(n)) if n.len() <= limits.max_client_name_bytes => {
            Some(n.clone())
        }
        Some(_) => {
            rule(
                false,
                format!(
                    "client_name is a string of at most {} bytes",
                    limits.max_client_name_bytes
                ),
            )?;
            None
        }
    };
    Some(Client {
        redirect_uris: uris?,
        client_name: name,
        metadata_document: Some(url.to_owned()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_loopback_http_urls_with_a_path_are_fetched() {
        let fetchable = |url: &str| check_url(url, &mut Vec::new()).is_some();
        assert!(fetchable("http://127.0.0.1:8080/client.json"));
        assert!(fetchable("http://localhost/c"));
        assert!(fetchable("http://[::1]:9/c"));
        for refused in [
            "http://127.0.0.1:8080/",
            "http://127.0.0.1/c#f",
            "http://user@127.0.0.1/c",
            "http://10.0.0.1/c",
            "http://169.254.169.254/latest/meta-data",
            "https://client.example/metadata.json",
            "not a url",
        ] {
            assert!(!fetchable(refused), "{refused}");
        }
        assert!(is_metadata_url("https://client.example/c"));
        assert!(!is_metadata_url("abc123"));
    }
}
