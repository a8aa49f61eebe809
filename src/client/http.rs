//! Sending a request and recording it, and its answer, as plain data.

use crate::wire::{Exchange, HttpRequest, HttpResponse, decode_params, utf8_text};

use super::ClientError;

/// Sends the request without following redirects and records both sides.
pub(super) async fn send(
    http: &reqwest::Client,
    purpose: &str,
    request: reqwest::RequestBuilder,
) -> Result<Exchange, ClientError> {
    let transport = |url: &str, source| ClientError::Transport {
        purpose: purpose.to_owned(),
        url: url.to_owned(),
        source,
    };
    let request = request.build().map_err(|e| transport("", e))?;
    let url = request.url().to_string();
    let body = request
        .body()
        .and_then(|b| b.as_bytes())
        .map(|b| utf8_text(b).into_owned());
    let is_form = request
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .is_some_and(|v| {
            v.as_bytes()
                .starts_with(b"application/x-www-form-urlencoded")
        });
    let params = match (&body, is_form) {
        (Some(body), true) => decode_params(body),
        _ => request.url().query().map(decode_params).unwrap_or_default(),
    };
    let recorded_request = HttpRequest {
        method: request.method().to_string(),
        url: url.clone(),
        params,
        headers: headers(request.headers()),
        body,
    };
    let response = http
        .execute(request)
        .await
        .map_err(|e| transport(&url, e))?;
    let status = response.status().as_u16();
    let response_headers = headers(response.headers());
    let bytes = response.bytes().await.map_err(|e| transport(&url, e))?;
    let text = utf8_text(&bytes).into_owned();
    Ok(Exchange {
        purpose: purpose.to_owned(),
        request: recorded_request,
        response: HttpResponse {
            status,
            headers: response_headers,
            body: (!text.is_empty()).then_some(text),
        },
    })
}

/// Headers as lower-case name/value pairs, without `date`, whose wall-clock
/// value would make seeded transcripts differ between runs.
fn headers(map: &reqwest::header::HeaderMap) -> Vec<(String, String)> {
    map.iter()
        .filter(|(name, _)| *name != reqwest::header::DATE)
        .map(|(name, value)| {
            (
                name.as_str().to_owned(),
                utf8_text(value.as_bytes()).into_owned(),
            )
        })
        .collect()
}
