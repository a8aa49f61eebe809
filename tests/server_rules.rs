//! One test per rule of SPEC.md §8 (the test matrix, rows 1–23), each named
//! after its rule, plus the optional (Step 04) policy, the protected
//! resource, the consent page and the neighbouring rules of SPEC.md §2.
//!
//! Every request is built byte by byte with raw reqwest (no redirect
//! followed), so what is tested is the server's answer on the wire.

mod support;

use std::time::Duration;

use pkce_tutor::server::{PkcePolicy, ServerConfig};
use reqwest::StatusCode;
use reqwest::header::{
    AUTHORIZATION, CONTENT_SECURITY_POLICY, CONTENT_TYPE, LOCATION, WWW_AUTHENTICATE,
    X_FRAME_OPTIONS,
};
use serde_json::{Value, json};
use support::*;

/// Borrowed pairs of owned parameters.
fn refs<'a>(params: &'a [(&'a str, String)]) -> Vec<(&'a str, &'a str)> {
    params.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

// ---------------------------------------------------------------------------
// Authorization endpoint
// ---------------------------------------------------------------------------

// Row 1 · AS-8 step 1 (OAuth 2.1 §4.1.2.1): an unknown client_id gets an
// error page (SHOULD be 400), never a redirect.
#[tokio::test]
async fn authorize_unknown_client_id_gets_400_page_without_redirect() {
    let server = TestServer::start().await;
    server.register(&[REDIRECT_URI]).await;
    let response = server
        .authorize_for("no-such-client", REDIRECT_URI, Some(APPENDIX_B_CHALLENGE))
        .await;
    expect_error_page(response, "invalid_client").await;
}

// Row 1 · AS-8 step 1 (OAuth 2.1 §4.1.2.1): a missing client_id is not a
// redirect either.
#[tokio::test]
async fn authorize_missing_client_id_gets_400_page_without_redirect() {
    let server = TestServer::start().await;
    let response = server
        .authorize(&[
            ("response_type", "code"),
            ("redirect_uri", REDIRECT_URI),
            ("state", STATE),
            ("code_challenge", APPENDIX_B_CHALLENGE),
            ("code_challenge_method", "S256"),
        ])
        .await;
    expect_error_page(response, "invalid_request").await;
}

// Row 2 · AS-1, AS-8 step 2 (OAuth 2.1 §4.1.1, §4.1.2.1; RFC 9700 §2.1):
// redirect URIs are compared as exact strings; anything else is a 400 page,
// never a redirect.
#[tokio::test]
async fn authorize_redirect_uri_not_exact_gets_400_page_without_redirect() {
    let server = TestServer::start().await;
    let client_id = server.register(&[REDIRECT_URI]).await;
    for uri in [
        "http://127.0.0.1:33418/callback/",             // trailing slash
        "http://127.0.0.1:33418/other",                 // other path
        "http://127.0.0.1:33418/Callback",              // other case
        "http://127.0.0.1:33418/callback?x=1",          // query added
        "http://127.0.0.1:33418/callback#f",            // fragment added
        "http://127.0.0.2:33418/callback",              // other loopback host
        "http://localhost:33418/callback",              // localhost for 127.0.0.1
        "https://127.0.0.1:33418/callback",             // other scheme
        "http://evil.example/callback",                 // other host
        "http://evil.example:33418/callback",           // other host, same port
        "http://127.0.0.1:33418@evil.example/callback", // userinfo trick
        "http://127.0.0.1:33418/callback/../callback",  // dot segments
        "http://127.0.0.1:33418//callback",             // double slash
    ] {
        let response = server
            .authorize_for(&client_id, uri, Some(APPENDIX_B_CHALLENGE))
            .await;
        assert!(
            response.headers().get(LOCATION).is_none(),
            "{uri} got a redirect"
        );
        expect_error_page(response, "invalid_request").await;
    }
}

// Row 2 · AS-1 (OAuth 2.1 §2.3.1, §8.4.2): the port exemption is for loopback
// IP redirect URIs only; an https redirect URI with another port is refused.
#[tokio::test]
async fn authorize_https_redirect_uri_with_other_port_gets_400_page() {
    // https redirect URIs are registered only when the server allows them.
    let server = TestServer::allowing_https().await;
    let client_id = server.register(&["https://app.example/cb"]).await;
    let ok = server.code_for(
        &client_id,
        "https://app.example/cb",
        Some(APPENDIX_B_CHALLENGE),
    );
    assert!(!ok.await.is_empty());
    let response = server
        .authorize_for(
            &client_id,
            "https://app.example:8443/cb",
            Some(APPENDIX_B_CHALLENGE),
        )
        .await;
    expect_error_page(response, "invalid_request").await;
}

// AS-8 (OAuth 2.1 §4.1.2.1): client_id and redirect_uri are checked before
// anything else, so a request that also lacks PKCE still gets the page, not a
// redirect to the unvalidated URI.
#[tokio::test]
async fn authorize_checks_client_and_redirect_uri_before_other_errors() {
    let server = TestServer::start().await;
    let client_id = server.register(&[REDIRECT_URI]).await;
    let bad_redirect = server
        .authorize(&[
            ("response_type", "token"),
            ("client_id", &client_id),
            ("redirect_uri", "http://evil.example/cb"),
            ("state", STATE),
        ])
        .await;
    expect_error_page(bad_redirect, "invalid_request").await;
    let bad_client = server
        .authorize(&[
            ("response_type", "token"),
            ("client_id", "unknown"),
            ("redirect_uri", REDIRECT_URI),
            ("state", STATE),
        ])
        .await;
    expect_error_page(bad_client, "invalid_client").await;
}

// AS-4 (OAuth 2.1 §2.3.2): with several registered redirect URIs the request
// must name one (400 page without it); with exactly one it may be omitted.
#[tokio::test]
async fn authorize_redirect_uri_required_only_when_several_are_registered() {
    let server = TestServer::start().await;
    let two = server
        .register(&[REDIRECT_URI, "http://127.0.0.1:33418/other"])
        .await;
    let params = |client_id: &str| {
        vec![
            ("response_type", "code".to_owned()),
            ("client_id", client_id.to_owned()),
            ("state", STATE.to_owned()),
            ("code_challenge", APPENDIX_B_CHALLENGE.to_owned()),
            ("code_challenge_method", "S256".to_owned()),
        ]
    };
    let response = server.authorize(&refs(&params(&two))).await;
    expect_error_page(response, "invalid_request").await;

    let one = server.register(&[REDIRECT_URI]).await;
    let response = server.authorize(&refs(&params(&one))).await;
    let location = expect_redirect(&response, StatusCode::FOUND, REDIRECT_URI);
    let code = param(&location, "code").expect("a code");
    // The request did not send redirect_uri, so the token request may omit it.
    let token = server
        .redeem_without_redirect_uri(&one, &code, Some(APPENDIX_B_VERIFIER))
        .await;
    expect_token(token).await;
}

// Row 3 · AS-1, AS-2 (OAuth 2.1 §8.4.2): the port of a loopback IP redirect
// URI may vary; the code goes to the port the request named.
#[tokio::test]
async fn authorize_loopback_redirect_with_different_port_is_accepted() {
    let server = TestServer::start().await;
    let client_id = server
        .register(&[REDIRECT_URI, "http://[::1]:8080/cb"])
        .await;
    for uri in [
        "http://127.0.0.1:50000/callback",
        "http://127.0.0.1/callback",
        "http://[::1]:41000/cb",
    ] {
        let code = server
            .code_for(&client_id, uri, Some(APPENDIX_B_CHALLENGE))
            .await;
        // The code is bound to the URI as requested (AS-20).
        let token = server
            .redeem(&client_id, &code, uri, Some(APPENDIX_B_VERIFIER))
            .await;
        expect_token(token).await;
    }
}

// Row 4 · AS-10 (OAuth 2.1 §4.1.2.1; RFC 7636 §4.4.1): PKCE is required, so
// a request without code_challenge is redirected with invalid_request, the
// state and iss.
#[tokio::test]
async fn authorize_without_code_challenge_redirects_invalid_request_with_state_and_iss() {
    let server = TestServer::start().await;
    let client_id = server.register(&[REDIRECT_URI]).await;
    let response = server.authorize_for(&client_id, REDIRECT_URI, None).await;
    let description = server.expect_error_redirect(&response, "invalid_request");
    assert!(
        description.contains("code challenge required"),
        "{description}"
    );
    // An empty code_challenge is treated as absent (AS-6).
    let response = server
        .authorize(&[
            ("response_type", "code"),
            ("client_id", &client_id),
            ("redirect_uri", REDIRECT_URI),
            ("state", STATE),
            ("code_challenge", ""),
            ("code_challenge_method", "S256"),
        ])
        .await;
    server.expect_error_redirect(&response, "invalid_request");
}

// Row 5 · AS-11 (OAuth 2.1 §4.1.1, §4.1.2.1, §7.5.2; RFC 7636 §4.4.1): only
// S256; plain, a missing method, `s256` and unknown methods are refused.
#[tokio::test]
async fn authorize_method_plain_missing_or_lowercase_redirects_invalid_request() {
    let server = TestServer::start().await;
    let client_id = server.register(&[REDIRECT_URI]).await;
    for method in [
        Some("plain"),
        None,
        Some(""),
        Some("s256"),
        Some("S512"),
        Some("S256 "),
    ] {
        let mut params = vec![
            ("response_type", "code"),
            ("client_id", client_id.as_str()),
            ("redirect_uri", REDIRECT_URI),
            ("state", STATE),
            // With plain, the challenge is the verifier: still refused.
            (
                "code_challenge",
                if method == Some("plain") {
                    APPENDIX_B_VERIFIER
                } else {
                    APPENDIX_B_CHALLENGE
                },
            ),
        ];
        if let Some(method) = method {
            params.push(("code_challenge_method", method));
        }
        let response = server.authorize(&params).await;
        server.expect_error_redirect(&response, "invalid_request");
    }
}

// Row 6 · AS-12 (RFC 7636 §4.2, OAuth 2.1 A.18): an S256 challenge is 43
// characters of the base64url alphabet, no padding; anything else is refused.
#[tokio::test]
async fn authorize_malformed_challenge_redirects_invalid_request() {
    let server = TestServer::start().await;
    let client_id = server.register(&[REDIRECT_URI]).await;
    let padded = format!("{APPENDIX_B_CHALLENGE}=");
    let short = &APPENDIX_B_CHALLENGE[..42];
    let long = format!("{APPENDIX_B_CHALLENGE}A");
    let plus = APPENDIX_B_CHALLENGE.replace('-', "+");
    let slash = APPENDIX_B_CHALLENGE.replace('-', "/");
    let standard = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw+cM=";
    let non_ascii = APPENDIX_B_CHALLENGE.replace('-', "é");
    for challenge in [
        padded.as_str(),
        short,
        long.as_str(),
        plus.as_str(),
        slash.as_str(),
        standard,
        non_ascii.as_str(),
    ] {
        let response = server
            .authorize_for(&client_id, REDIRECT_URI, Some(challenge))
            .await;
        server.expect_error_redirect(&response, "invalid_request");
    }
}

// Row 7 · AS-6 (OAuth 2.1 §3.1): a parameter sent twice is invalid_request,
// redirected once client and redirect URI are validated.
#[tokio::test]
async fn authorize_duplicated_parameter_redirects_invalid_request() {
    let server = TestServer::start().await;
    let client_id = server.register(&[REDIRECT_URI]).await;
    // `resource` may repeat under RFC 8707 §2; this server answers that with
    // invalid_target (SPEC.md §9D), checked in server_hardening.rs.
    for duplicated in [
        "code_challenge",
        "code_challenge_method",
        "response_type",
        "scope",
    ] {
        let resource = server.url("/resource");
        let mut params = pkce_params(&client_id);
        params.extend([("scope", "mcp"), ("resource", resource.as_str())]);
        let value = params.iter().find(|(n, _)| *n == duplicated).unwrap().1;
        params.push((duplicated, value));
        let response = server.authorize(&params).await;
        server.expect_error_redirect(&response, "invalid_request");
    }
}

// Row 7 · AS-6, AS-8 (OAuth 2.1 §3.1, §4.1.2.1): a duplicated client_id or
// redirect_uri cannot be validated, so the answer is the 400 page.
#[tokio::test]
async fn authorize_duplicated_client_id_or_redirect_uri_gets_400_page_without_redirect() {
    let server = TestServer::start().await;
    let client_id = server.register(&[REDIRECT_URI]).await;
    for duplicated in ["client_id", "redirect_uri"] {
        let mut params = pkce_params(&client_id);
        let value = params.iter().find(|(n, _)| *n == duplicated).unwrap().1;
        params.push((duplicated, value));
        expect_error_page(server.authorize(&params).await, "invalid_request").await;
    }
}

// Row 8 · AS-9 (OAuth 2.1 §4.1.1, §4.1.2.1): response_type=token is
// unsupported_response_type; a missing response_type is invalid_request.
#[tokio::test]
async fn authorize_response_type_token_redirects_unsupported_response_type() {
    let server = TestServer::start().await;
    let client_id = server.register(&[REDIRECT_URI]).await;
    let with = |response_type: Option<&'static str>| {
        let mut params = vec![
            ("client_id", client_id.clone()),
            ("redirect_uri", REDIRECT_URI.to_owned()),
            ("state", STATE.to_owned()),
            ("code_challenge", APPENDIX_B_CHALLENGE.to_owned()),
            ("code_challenge_method", "S256".to_owned()),
        ];
        if let Some(rt) = response_type {
            params.push(("response_type", rt.to_owned()));
        }
        params
    };
    for (response_type, error) in [
        (Some("token"), "unsupported_response_type"),
        (Some("code token"), "unsupported_response_type"),
        (None, "invalid_request"),
    ] {
        let response = server.authorize(&refs(&with(response_type))).await;
        server.expect_error_redirect(&response, error);
    }
}

// AS-14 (OAuth 2.1 §4.1.2): state is echoed byte for byte even when its
// bytes are not UTF-8; the server must not replace them with U+FFFD.
#[tokio::test]
async fn authorize_echoes_a_non_utf8_state_byte_for_byte() {
    let server = TestServer::start().await;
    let client_id = server.register(&[REDIRECT_URI]).await;
    let url = format!(
        "{}?response_type=code&client_id={client_id}&redirect_uri={}&state=%FF%FEa+b\
         &code_challenge={APPENDIX_B_CHALLENGE}&code_challenge_method=S256",
        server.url("/authorize"),
        url::form_urlencoded::byte_serialize(REDIRECT_URI.as_bytes()).collect::<String>(),
    );
    let response = http().get(url).send().await.unwrap();
    let location = expect_redirect(&response, StatusCode::FOUND, REDIRECT_URI);
    // Decode the raw query ourselves: `Url`'s pairs would read it as UTF-8.
    let raw = location
        .query()
        .unwrap()
        .split('&')
        .find_map(|pair| pair.strip_prefix("state="))
        .expect("state echoed")
        .replace('+', " ");
    let state: Vec<u8> = percent_encoding::percent_decode_str(&raw).collect();
    assert_eq!(state, [0xff, 0xfe, b'a', b' ', b'b']);
}

// AS-14 (OAuth 2.1 §4.1.2; RFC 9207): the success redirect echoes state
// byte for byte and adds iss; without state, no state comes back.
#[tokio::test]
async fn authorize_success_echoes_state_byte_for_byte_and_adds_iss() {
    let server = TestServer::start().await;
    let client_id = server.register(&[REDIRECT_URI]).await;
    let state = "a b+c&d=e/%41~é\"'<>";
    let response = server
        .authorize(&[
            ("response_type", "code"),
            ("client_id", &client_id),
            ("redirect_uri", REDIRECT_URI),
            ("state", state),
            ("code_challenge", APPENDIX_B_CHALLENGE),
            ("code_challenge_method", "S256"),
        ])
        .await;
    let location = expect_redirect(&response, StatusCode::FOUND, REDIRECT_URI);
    assert_eq!(param(&location, "state").as_deref(), Some(state));
    assert_eq!(param(&location, "iss").as_deref(), Some(server.issuer()));
    let code = param(&location, "code").expect("code");
    // AS-19: 32 random octets, base64url, at least 128 bits.
    assert!(code.len() >= 43, "{code}");

    let response = server
        .authorize(&[
            ("response_type", "code"),
            ("client_id", &client_id),
            ("code_challenge", APPENDIX_B_CHALLENGE),
            ("code_challenge_method", "S256"),
        ])
        .await;
    let location = expect_redirect(&response, StatusCode::FOUND, REDIRECT_URI);
    assert_eq!(param(&location, "state"), None);
    assert_eq!(param(&location, "iss").as_deref(), Some(server.issuer()));
}

// AS-6 (OAuth 2.1 §3.1): unrecognised parameters are ignored.
#[tokio::test]
async fn authorize_ignores_unrecognised_parameters() {
    let server = TestServer::start().await;
    let client_id = server.register(&[REDIRECT_URI]).await;
    let response = server
        .authorize_with(
            &client_id,
            &[("prompt", "consent"), ("nonce", "n-0S6_WzA2Mj")],
        )
        .await;
    let location = expect_redirect(&response, StatusCode::FOUND, REDIRECT_URI);
    assert!(param(&location, "code").is_some(), "{location}");
}

// AS-13 (OAuth 2.1 §4.1.2.1): a malformed scope is invalid_scope;
// AS-30 (RFC 8707 §2): a resource that is not an absolute URI, or has a
// fragment, is invalid_target.
#[tokio::test]
async fn authorize_bad_scope_is_invalid_scope_and_bad_resource_invalid_target() {
    let server = TestServer::start().await;
    let client_id = server.register(&[REDIRECT_URI]).await;
    for (extra, error) in [
        (("scope", "mcp  read"), "invalid_scope"),
        (("scope", "a\"b"), "invalid_scope"),
        (("resource", "/relative"), "invalid_target"),
        (("resource", "https://mcp.example/#frag"), "invalid_target"),
    ] {
        let response = server.authorize_with(&client_id, &[extra]).await;
        server.expect_error_redirect(&response, error);
    }
}

// AS-16, AS-17 (OAuth 2.1 §7.5.4, §7.11): without auto-approve the
// authorization endpoint shows a consent page that refuses framing; Approve
// answers 303 (never 307) with code, state and iss.
#[tokio::test]
async fn consent_page_refuses_framing_and_approve_redirects_with_303() {
    let server = TestServer::with(ServerConfig {
        auto_approve: false,
        ..Default::default()
    })
    .await;
    let client_id = server.register(&[REDIRECT_URI]).await;
    let page = server.authorize_appendix_b(&client_id).await;
    assert_eq!(page.status(), StatusCode::OK);
    assert!(page.headers().get(LOCATION).is_none());
    assert_eq!(
        header(&page, X_FRAME_OPTIONS.as_str()).as_deref(),
        Some("DENY")
    );
    let csp = header(&page, CONTENT_SECURITY_POLICY.as_str()).unwrap_or_default();
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    let page = ConsentPage::read(page).await;
    assert!(page.html.contains("action=\"/consent\""), "{}", page.html);

    let location = server.approve(&page).await;
    assert_eq!(param(&location, "state").as_deref(), Some(STATE));
    assert_eq!(param(&location, "iss").as_deref(), Some(server.issuer()));
    let code = param(&location, "code").expect("code");
    let token = server.redeem_appendix_b(&client_id, &code).await;
    expect_token(token).await;

    // The consent request is single-use.
    let again = server.consent(&page, "approve").await;
    expect_error_page(again, "invalid_request").await;
}

// AS-13, AS-16 (OAuth 2.1 §4.1.2.1, §7.5.4): Deny answers 303 with
// access_denied, the state and iss.
#[tokio::test]
async fn consent_deny_redirects_access_denied_with_303() {
    let server = TestServer::with(ServerConfig::default()).await;
    let client_id = server.register(&[REDIRECT_URI]).await;
    let page = server.consent_page(&client_id).await;
    let deny = server.consent(&page, "deny").await;
    let location = expect_redirect(&deny, StatusCode::SEE_OTHER, REDIRECT_URI);
    assert_eq!(param(&location, "error").as_deref(), Some("access_denied"));
    assert_eq!(param(&location, "state").as_deref(), Some(STATE));
    assert_eq!(param(&location, "iss").as_deref(), Some(server.issuer()));
    assert_eq!(param(&location, "code"), None);
}

// AS-7 (OAuth 2.1 §3.1): no CORS on the authorization endpoint, even for a
// request that carries an Origin.
#[tokio::test]
async fn authorize_sends_no_cors_headers() {
    let server = TestServer::start().await;
    let client_id = server.register(&[REDIRECT_URI]).await;
    let url = server.authorize_url(&[
        ("response_type", "code"),
        ("client_id", &client_id),
        ("code_challenge", APPENDIX_B_CHALLENGE),
        ("code_challenge_method", "S256"),
    ]);
    for method in [reqwest::Method::GET, reqwest::Method::OPTIONS] {
        let response = server
            .http
            .request(method.clone(), url.as_str())
            .header("origin", "https://evil.example")
            .header("access-control-request-method", "GET")
            .send()
            .await
            .unwrap();
        assert!(
            response
                .headers()
                .keys()
                .all(|name| !name.as_str().starts_with("access-control-")),
            "{method}: {:?}",
            response.headers()
        );
    }
}

// AS-18 (OAuth 2.1 §7.13.2; MCP: show who asks and where the code goes):
// the consent page names the client and the redirect URI, with the
// attacker-chosen client_name escaped.
#[tokio::test]
async fn consent_page_shows_client_and_redirect_uri_escaped() {
    let server = TestServer::with(ServerConfig::default()).await;
    let registered = server
        .register_json(&json!({
            "client_name": "<script>alert(1)</script>",
            "redirect_uris": [REDIRECT_URI],
        }))
        .await;
    let client_id: Value = registered.json().await.unwrap();
    let client_id = client_id["client_id"].as_str().unwrap().to_owned();
    let page = server.authorize_appendix_b(&client_id).await;
    let html = page.text().await.unwrap();
    assert!(!html.contains("<script>"), "{html}");
    assert!(
        html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "{html}"
    );
    assert!(html.contains(REDIRECT_URI), "{html}");
}

// ---------------------------------------------------------------------------
// Token endpoint
// ---------------------------------------------------------------------------

// Row 9 · R10, AS-25(e), AS-28 (RFC 7636 §4.6, Appendix B; OAuth 2.1
// §3.2.3): the Appendix B verifier against its challenge gets 200, JSON,
// Cache-Control: no-store, and a token the resource accepts.
#[tokio::test]
async fn token_appendix_b_verifier_against_its_challenge_gets_200_no_store() {
    assert_eq!(challenge_of(APPENDIX_B_VERIFIER), APPENDIX_B_CHALLENGE);
    let server = TestServer::start().await;
    let (client_id, code) = server.appendix_b_code().await;
    let response = server.redeem_appendix_b(&client_id, &code).await;
    let token = expect_token(response).await;
    let resource = server.resource(Some(&token)).await;
    assert_eq!(resource.status(), StatusCode::OK);
}

// Row 10 · AS-25(e) (RFC 7636 §4.6): a well-formed verifier that does not
// match is invalid_grant.
#[tokio::test]
async fn token_wrong_verifier_is_invalid_grant() {
    let server = TestServer::start().await;
    let (client_id, code) = server.appendix_b_code().await;
    let response = server
        .redeem(&client_id, &code, REDIRECT_URI, Some(OTHER_VERIFIER))
        .await;
    expect_json_error(response, StatusCode::BAD_REQUEST, "invalid_grant").await;
}

// AS-26 and SPEC.md "Choices": a failed PKCE attempt does not burn the code,
// so a guessing attacker cannot deny service to the real client.
#[tokio::test]
async fn token_failed_pkce_attempts_do_not_burn_the_code() {
    let server = TestServer::start().await;
    let (client_id, code) = server.appendix_b_code().await;
    for verifier in [Some(OTHER_VERIFIER), Some("short"), None] {
        let response = server
            .redeem(&client_id, &code, REDIRECT_URI, verifier)
            .await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    }
    let response = server.redeem_appendix_b(&client_id, &code).await;
    expect_token(response).await;
}

// Row 11 · AS-25(c) (OAuth 2.1 §3.2.4, §4.1.3; documented choice): a missing
// code_verifier for a code issued with a challenge is invalid_request; an
// empty one counts as missing (AS-21).
#[tokio::test]
async fn token_missing_verifier_is_invalid_request() {
    let server = TestServer::start().await;
    let (client_id, code) = server.appendix_b_code().await;
    let response = server.redeem(&client_id, &code, REDIRECT_URI, None).await;
    expect_json_error(response, StatusCode::BAD_REQUEST, "invalid_request").await;
    let response = server
        .redeem(&client_id, &code, REDIRECT_URI, Some(""))
        .await;
    expect_json_error(response, StatusCode::BAD_REQUEST, "invalid_request").await;
}

// Row 12 · AS-25(d), R1 (RFC 7636 §4.1; documented choice): a verifier of
// 42 or 129 characters, or with a character outside unreserved, is
// invalid_grant.
#[tokio::test]
async fn token_verifier_of_bad_syntax_is_invalid_grant() {
    let server = TestServer::start().await;
    let (client_id, code) = server.appendix_b_code().await;
    let long = "a".repeat(129);
    let plus = APPENDIX_B_VERIFIER.replace('-', "+");
    let space = APPENDIX_B_VERIFIER.replace('-', " ");
    let padded = format!("{}=", &APPENDIX_B_VERIFIER[..43]);
    // 43 characters, 44 bytes: counted in characters, but é is not unreserved.
    let non_ascii = APPENDIX_B_VERIFIER.replace('-', "é");
    for verifier in [
        &APPENDIX_B_VERIFIER[..42],
        long.as_str(),
        plus.as_str(),
        space.as_str(),
        padded.as_str(),
        non_ascii.as_str(),
    ] {
        let response = server
            .redeem(&client_id, &code, REDIRECT_URI, Some(verifier))
            .await;
        expect_json_error(response, StatusCode::BAD_REQUEST, "invalid_grant").await;
    }
}

// R1 (RFC 7636 §4.1): 43 and 128 characters are the bounds of a valid
// verifier, and all four unreserved punctuation characters are allowed.
#[tokio::test]
async fn token_verifier_of_43_and_128_characters_is_accepted() {
    let server = TestServer::start().await;
    let client_id = server.register(&[REDIRECT_URI]).await;
    let v128: String = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~"
        .chars()
        .cycle()
        .take(128)
        .collect();
    let v43 = "0123456789-._~abcdefghijklmnopqrstuvwxyzABC".to_owned();
    assert_eq!(v43.len(), 43);
    for verifier in [v43, v128] {
        let code = server
            .code_for(&client_id, REDIRECT_URI, Some(&challenge_of(&verifier)))
            .await;
        let response = server
            .redeem(&client_id, &code, REDIRECT_URI, Some(&verifier))
            .await;
        expect_token(response).await;
    }
}

// Row 13 · AS-25(a) (RFC 9700 §2.1.1, §4.8.2; OAuth 2.1 §3.2.4): a verifier
// for a code issued without a challenge is the PKCE downgrade, refused with
// invalid_request (a server with the optional policy issues such codes).
#[tokio::test]
async fn token_code_without_challenge_plus_verifier_is_invalid_request_downgrade() {
    let server = TestServer::with(config(PkcePolicy::Optional)).await;
    let client_id = server.register(&[REDIRECT_URI]).await;
    let code = server.code_for(&client_id, REDIRECT_URI, None).await;
    let response = server.redeem_appendix_b(&client_id, &code).await;
    let description = expect_json_error(response, StatusCode::BAD_REQUEST, "invalid_request").await;
    assert!(description.contains("downgrade"), "{description}");
}

// Row 14 · AS-26 (OAuth 2.1 §4.1.3, §7.5.3): a second valid redemption is
// invalid_grant and revokes the tokens the first produced.
#[tokio::test]
async fn token_reused_code_with_valid_verifier_is_invalid_grant_and_revokes_tokens() {
    let server = TestServer::start().await;
    let (client_id, code) = server.appendix_b_code().await;
    let first = server.redeem_appendix_b(&client_id, &code).await;
    let token = expect_token(first).await;
    assert_eq!(server.resource(Some(&token)).await.status(), StatusCode::OK);

    let replay = server.redeem_appendix_b(&client_id, &code).await;
    expect_json_error(replay, StatusCode::BAD_REQUEST, "invalid_grant").await;
    let challenge = expect_bearer_challenge(&server.resource(Some(&token)).await);
    assert!(challenge.contains("invalid_token"), "{challenge}");
}

// Row 15 · AS-26 (OAuth 2.1 §7.5.3): a replay with a bad verifier is
// invalid_grant and revokes nothing (else an attacker could revoke at will).
#[tokio::test]
async fn token_reused_code_with_bad_verifier_is_invalid_grant_without_revocation() {
    let server = TestServer::start().await;
    let (client_id, code) = server.appendix_b_code().await;
    let first = server.redeem_appendix_b(&client_id, &code).await;
    let token = expect_token(first).await;
    for verifier in [OTHER_VERIFIER, "not a verifier"] {
        let replay = server
            .redeem(&client_id, &code, REDIRECT_URI, Some(verifier))
            .await;
        expect_json_error(replay, StatusCode::BAD_REQUEST, "invalid_grant").await;
    }
    // A replay from another client is not "otherwise valid" either.
    let other = server.register(&[REDIRECT_URI]).await;
    let replay = server.redeem_appendix_b(&other, &code).await;
    expect_json_error(replay, StatusCode::BAD_REQUEST, "invalid_grant").await;
    assert_eq!(server.resource(Some(&token)).await.status(), StatusCode::OK);
}

// Row 16 · AS-20 (OAuth 2.1 §4.1.2, §4.1.3): an expired code is
// invalid_grant. The lifetime is shortened here; a code redeemed in time on
// the same server succeeds.
#[tokio::test]
async fn token_expired_code_is_invalid_grant() {
    let server = TestServer::with_code_lifetime(Duration::from_millis(400)).await;
    let (client_id, fresh) = server.appendix_b_code().await;
    let in_time = server.redeem_appendix_b(&client_id, &fresh).await;
    expect_token(in_time).await;

    let code = server.appendix_b_code_for(&client_id).await;
    tokio::time::sleep(Duration::from_millis(600)).await;
    let late = server.redeem_appendix_b(&client_id, &code).await;
    let description = expect_json_error(late, StatusCode::BAD_REQUEST, "invalid_grant").await;
    assert!(description.contains("expired"), "{description}");
}

// AS-20 and SPEC.md "Choices" (OAuth 2.1 §4.1.2): codes live 10 minutes by
// default, the recommended maximum.
#[test]
fn server_codes_live_ten_minutes_by_default() {
    assert_eq!(
        ServerConfig::default().code_lifetime,
        Duration::from_secs(600)
    );
    assert_eq!(ServerConfig::default().policy, PkcePolicy::Required);
}

// Row 17 · AS-24, AS-27 (OAuth 2.1 §4.1.3, §10.2; RFC 6749 §4.1.3): a
// redirect_uri that differs from the authorization request's, or is left out
// when the request sent one, is invalid_grant.
#[tokio::test]
async fn token_redirect_uri_differs_from_authorization_request_is_invalid_grant() {
    let server = TestServer::start().await;
    let client_id = server
        .register(&[REDIRECT_URI, "http://127.0.0.1:33418/other"])
        .await;
    let code = server.appendix_b_code_for(&client_id).await;
    for other in [
        "http://127.0.0.1:33418/other",
        "http://127.0.0.1:50000/callback",
        "http://127.0.0.1:33418/callback/",
    ] {
        let response = server
            .redeem(&client_id, &code, other, Some(APPENDIX_B_VERIFIER))
            .await;
        expect_json_error(response, StatusCode::BAD_REQUEST, "invalid_grant").await;
    }
    let omitted = server
        .redeem_without_redirect_uri(&client_id, &code, Some(APPENDIX_B_VERIFIER))
        .await;
    expect_json_error(omitted, StatusCode::BAD_REQUEST, "invalid_grant").await;
    // The code is still good for the right redirect_uri.
    let right = server.redeem_appendix_b(&client_id, &code).await;
    expect_token(right).await;
}

// Row 18 · AS-24 (OAuth 2.1 §4.1.3): a code presented by another
// (registered) client is invalid_grant, even with the right verifier.
#[tokio::test]
async fn token_client_id_differs_from_the_code_s_client_is_invalid_grant() {
    let server = TestServer::start().await;
    let (client_id, code) = server.appendix_b_code().await;
    let other = server.register(&[REDIRECT_URI]).await;
    let response = server.redeem_appendix_b(&other, &code).await;
    expect_json_error(response, StatusCode::BAD_REQUEST, "invalid_grant").await;
    let right = server.redeem_appendix_b(&client_id, &code).await;
    expect_token(right).await;
}

// Row 19 · AS-22 (OAuth 2.1 §3.2.2, §3.2.4): grant_type=password is
// unsupported_grant_type; a missing grant_type is invalid_request.
#[tokio::test]
async fn token_grant_type_password_is_unsupported_grant_type() {
    let server = TestServer::start().await;
    let (client_id, code) = server.appendix_b_code().await;
    let password = server
        .token(&[
            ("grant_type", "password"),
            ("username", "demo-user"),
            ("password", "secret"),
            ("client_id", &client_id),
        ])
        .await;
    expect_json_error(password, StatusCode::BAD_REQUEST, "unsupported_grant_type").await;
    let missing = server
        .token(&[
            ("code", &code),
            ("redirect_uri", REDIRECT_URI),
            ("client_id", &client_id),
            ("code_verifier", APPENDIX_B_VERIFIER),
        ])
        .await;
    expect_json_error(missing, StatusCode::BAD_REQUEST, "invalid_request").await;
}

// Row 20 · AS-23 (OAuth 2.1 §3.2.4): a Basic Authorization header with a bad
// credential is 401 invalid_client with WWW-Authenticate: Basic.
#[tokio::test]
async fn token_basic_header_with_bad_credential_is_401_invalid_client() {
    use base64::Engine as _;
    let basic = |s: &str| {
        format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(s)
        )
    };
    let server = TestServer::start().await;
    let (client_id, code) = server.appendix_b_code().await;
    for credential in [
        basic(&format!("{client_id}:wrong-secret")),
        basic("unknown-client:"),
        "Basic !!!not-base64".to_owned(),
        basic("no-colon"),
        "Bearer something".to_owned(),
    ] {
        let body = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("grant_type", "authorization_code")
            .append_pair("code", &code)
            .append_pair("redirect_uri", REDIRECT_URI)
            .append_pair("code_verifier", APPENDIX_B_VERIFIER)
            .finish();
        let response = server
            .http
            .post(server.url("/token"))
            .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(AUTHORIZATION, &credential)
            .body(body)
            .send()
            .await
            .unwrap();
        let challenge = header(&response, WWW_AUTHENTICATE.as_str()).unwrap_or_default();
        assert!(
            challenge.starts_with("Basic"),
            "{credential}: {challenge:?}"
        );
        expect_json_error(response, StatusCode::UNAUTHORIZED, "invalid_client").await;
    }
    // Basic with the client id and an empty password (what requests-oauthlib
    // sends for a public client, SPEC.md §6) identifies the client.
    let response = server
        .http
        .post(server.url("/token"))
        .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(AUTHORIZATION, basic(&format!("{client_id}:")))
        .body(format!(
            "grant_type=authorization_code&code={code}&redirect_uri={}&code_verifier={APPENDIX_B_VERIFIER}",
            url::form_urlencoded::byte_serialize(REDIRECT_URI.as_bytes()).collect::<String>()
        ))
        .send()
        .await
        .unwrap();
    expect_token(response).await;
}

// AS-23 (OAuth 2.1 §3.2.1, §3.2.4): a public client sends client_id in the
// body; missing is invalid_request, unknown is invalid_client (401).
#[tokio::test]
async fn token_missing_or_unknown_client_id_is_refused() {
    let server = TestServer::start().await;
    let (_, code) = server.appendix_b_code().await;
    let missing = server
        .token(&[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", REDIRECT_URI),
            ("code_verifier", APPENDIX_B_VERIFIER),
        ])
        .await;
    expect_json_error(missing, StatusCode::BAD_REQUEST, "invalid_request").await;
    let unknown = server.redeem_appendix_b("unknown-client", &code).await;
    expect_json_error(unknown, StatusCode::UNAUTHORIZED, "invalid_client").await;
}

// AS-24 (OAuth 2.1 §4.1.3): an unknown code, or none at all.
#[tokio::test]
async fn token_unknown_code_is_invalid_grant_and_missing_code_invalid_request() {
    let server = TestServer::start().await;
    let client_id = server.register(&[REDIRECT_URI]).await;
    let unknown = server.redeem_appendix_b(&client_id, "no-such-code").await;
    expect_json_error(unknown, StatusCode::BAD_REQUEST, "invalid_grant").await;
    let missing = server
        .token(&[
            ("grant_type", "authorization_code"),
            ("redirect_uri", REDIRECT_URI),
            ("client_id", &client_id),
            ("code_verifier", APPENDIX_B_VERIFIER),
        ])
        .await;
    expect_json_error(missing, StatusCode::BAD_REQUEST, "invalid_request").await;
}

// AS-21 (OAuth 2.1 §3.2, §3.2.2): a duplicated parameter is invalid_request;
// the body must be a form; unknown parameters are ignored.
#[tokio::test]
async fn token_duplicated_parameter_or_non_form_body_is_invalid_request() {
    let server = TestServer::start().await;
    let (client_id, code) = server.appendix_b_code().await;
    // code_verifier a second time.
    let duplicated = server
        .redeem_with(&client_id, &code, &[("code_verifier", APPENDIX_B_VERIFIER)])
        .await;
    expect_json_error(duplicated, StatusCode::BAD_REQUEST, "invalid_request").await;
    let json_body = server
        .http
        .post(server.url("/token"))
        .header(CONTENT_TYPE, "application/json")
        .body(
            json!({
                "grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT_URI,
                "client_id": client_id, "code_verifier": APPENDIX_B_VERIFIER,
            })
            .to_string(),
        )
        .send()
        .await
        .unwrap();
    expect_json_error(json_body, StatusCode::BAD_REQUEST, "invalid_request").await;
    // GET is not a token request (OAuth 2.1 §3.2: POST only).
    let get = server.get("/token").await;
    assert_eq!(get.status(), StatusCode::METHOD_NOT_ALLOWED);
    // None of the refusals burnt the code; unknown parameters are ignored.
    let resource = server.url("/resource");
    let ok = server
        .redeem_with(
            &client_id,
            &code,
            &[("resource", &resource), ("unknown_extension", "1")],
        )
        .await;
    expect_token(ok).await;
}

// AS-30 (RFC 8707 §2.2): the token request's resource must be the one
// authorized with the code.
#[tokio::test]
async fn token_resource_not_authorized_with_the_code_is_invalid_target() {
    let server = TestServer::start().await;
    let (client_id, code) = server.appendix_b_code().await;
    let response = server
        .redeem_with(
            &client_id,
            &code,
            &[("resource", "https://other.example/mcp")],
        )
        .await;
    expect_json_error(response, StatusCode::BAD_REQUEST, "invalid_target").await;
}

// ---------------------------------------------------------------------------
// The optional policy (the Step 04 server)
// ---------------------------------------------------------------------------

// Step 04 policy, AS-25(b) reading for optional PKCE: a code issued without
// a challenge and redeemed without a verifier gets its token.
#[tokio::test]
async fn optional_policy_code_without_challenge_redeemed_without_verifier_gets_200() {
    let server = TestServer::with(config(PkcePolicy::Optional)).await;
    let client_id = server.register(&[REDIRECT_URI]).await;
    let code = server.code_for(&client_id, REDIRECT_URI, None).await;
    let response = server.redeem(&client_id, &code, REDIRECT_URI, None).await;
    let token = expect_token(response).await;
    assert_eq!(server.resource(Some(&token)).await.status(), StatusCode::OK);
}

// Step 04 policy, AS-25(a) (RFC 9700 §4.8.2): the downgrade is refused even
// on the optional server, and the refusal does not burn the code.
#[tokio::test]
async fn optional_policy_code_without_challenge_redeemed_with_verifier_is_invalid_request() {
    let server = TestServer::with(config(PkcePolicy::Optional)).await;
    let client_id = server.register(&[REDIRECT_URI]).await;
    let code = server.code_for(&client_id, REDIRECT_URI, None).await;
    for verifier in [APPENDIX_B_VERIFIER, OTHER_VERIFIER, "bad syntax"] {
        let response = server
            .redeem(&client_id, &code, REDIRECT_URI, Some(verifier))
            .await;
        expect_json_error(response, StatusCode::BAD_REQUEST, "invalid_request").await;
    }
}

// Step 04 policy (RFC 9700 §2.1.1: the AS MUST enforce code_verifier whenever
// a code_challenge was sent): a code with a challenge still needs the right
// verifier; the method and challenge rules still apply at /authorize.
#[tokio::test]
async fn optional_policy_code_with_challenge_still_requires_the_verifier() {
    let server = TestServer::with(config(PkcePolicy::Optional)).await;
    let client_id = server.register(&[REDIRECT_URI]).await;
    let code = server.appendix_b_code_for(&client_id).await;
    let missing = server.redeem(&client_id, &code, REDIRECT_URI, None).await;
    expect_json_error(missing, StatusCode::BAD_REQUEST, "invalid_request").await;
    let wrong = server
        .redeem(&client_id, &code, REDIRECT_URI, Some(OTHER_VERIFIER))
        .await;
    expect_json_error(wrong, StatusCode::BAD_REQUEST, "invalid_grant").await;
    let right = server.redeem_appendix_b(&client_id, &code).await;
    expect_token(right).await;

    let plain = server
        .authorize(&[
            ("response_type", "code"),
            ("client_id", &client_id),
            ("redirect_uri", REDIRECT_URI),
            ("state", STATE),
            ("code_challenge", APPENDIX_B_VERIFIER),
            ("code_challenge_method", "plain"),
        ])
        .await;
    server.expect_error_redirect(&plain, "invalid_request");
}

// Step 04 policy, AS-26 (OAuth 2.1 §4.1.3): codes without PKCE are single-use
// too, and a valid replay revokes.
#[tokio::test]
async fn optional_policy_code_without_challenge_is_single_use() {
    let server = TestServer::with(config(PkcePolicy::Optional)).await;
    let client_id = server.register(&[REDIRECT_URI]).await;
    let code = server.code_for(&client_id, REDIRECT_URI, None).await;
    let token = expect_token(server.redeem(&client_id, &code, REDIRECT_URI, None).await).await;
    let replay = server.redeem(&client_id, &code, REDIRECT_URI, None).await;
    expect_json_error(replay, StatusCode::BAD_REQUEST, "invalid_grant").await;
    expect_bearer_challenge(&server.resource(Some(&token)).await);
}

// ---------------------------------------------------------------------------
// The protected resource
// ---------------------------------------------------------------------------

// AS-34 (RFC 6750 §3, RFC 9728 §5.1): no token → 401 with a Bearer challenge
// that points to the resource's own metadata, its path inserted after the
// well-known suffix (RFC 9728 §3.1).
#[tokio::test]
async fn resource_without_token_is_401_with_bearer_challenge() {
    let server = TestServer::start().await;
    let challenge = expect_bearer_challenge(&server.resource(None).await);
    let metadata = server.url("/.well-known/oauth-protected-resource/resource");
    assert!(
        challenge.contains(&format!("resource_metadata=\"{metadata}\"")),
        "{challenge}"
    );
}

// AS-34 (RFC 6750 §3.1): an unknown token → 401 invalid_token; a token in
// the query string is not accepted (RFC 6750 §2.3 is not offered, SPEC.md
// C-11).
#[tokio::test]
async fn resource_with_unknown_token_is_401_with_bearer_challenge() {
    let server = TestServer::start().await;
    let challenge = expect_bearer_challenge(&server.resource(Some("made-up-token")).await);
    assert!(challenge.contains("error=\"invalid_token\""), "{challenge}");

    let token = server.appendix_b_token().await;
    let in_query = server
        .http
        .get(format!("{}?access_token={token}", server.url("/resource")))
        .send()
        .await
        .unwrap();
    expect_bearer_challenge(&in_query);
    let basic = server
        .http
        .get(server.url("/resource"))
        .header(AUTHORIZATION, format!("Basic {token}"))
        .send()
        .await
        .unwrap();
    expect_bearer_challenge(&basic);
    assert_eq!(server.resource(Some(&token)).await.status(), StatusCode::OK);
}

// AS-26, AS-34 (OAuth 2.1 §4.1.3): a revoked token → 401.
#[tokio::test]
async fn resource_with_revoked_token_is_401_with_bearer_challenge() {
    let server = TestServer::start().await;
    let (client_id, code) = server.appendix_b_code().await;
    let redeem = || server.redeem_appendix_b(&client_id, &code);
    let token = expect_token(redeem().await).await;
    assert_eq!(server.resource(Some(&token)).await.status(), StatusCode::OK);
    assert_eq!(redeem().await.status(), StatusCode::BAD_REQUEST);
    let challenge = expect_bearer_challenge(&server.resource(Some(&token)).await);
    assert!(challenge.contains("revoked"), "{challenge}");
}

// DESIGN.md contract (RFC 6750 §3.1): an expired token → 401.
#[tokio::test]
async fn resource_with_expired_token_is_401_with_bearer_challenge() {
    let server = TestServer::with(ServerConfig {
        // Whole seconds: expires_in is reported in seconds.
        token_lifetime: Duration::from_secs(1),
        ..config(PkcePolicy::Required)
    })
    .await;
    let token = server.appendix_b_token().await;
    assert_eq!(server.resource(Some(&token)).await.status(), StatusCode::OK);
    tokio::time::sleep(Duration::from_millis(1200)).await;
    let challenge = expect_bearer_challenge(&server.resource(Some(&token)).await);
    assert!(challenge.contains("expired"), "{challenge}");
}

// AS-30, AS-34 (RFC 8707 §2; MCP: validate the token audience): a token
// issued for another resource is refused by this one.
#[tokio::test]
async fn resource_refuses_a_token_issued_for_another_resource() {
    let server = TestServer::start().await;
    let client_id = server.register(&[REDIRECT_URI]).await;
    // The other resource this server protects (a foreign one is refused at
    // /authorize with invalid_target).
    let other = server.url("/mcp");
    let other = other.as_str();
    let code = server.code_with(&client_id, &[("resource", other)]).await;
    let token = server
        .redeem_with(&client_id, &code, &[("resource", other)])
        .await;
    let token = expect_token(token).await;
    let challenge = expect_bearer_challenge(&server.resource(Some(&token)).await);
    assert!(challenge.contains("another resource"), "{challenge}");
}

// ---------------------------------------------------------------------------
// Metadata and registration
// ---------------------------------------------------------------------------

// Row 21 · AS-31, AS-32 (RFC 8414 §2, §3.3; RFC 9207): the metadata has
// exactly the fields DESIGN.md lists, code_challenge_methods_supported
// ["S256"] and an issuer equal to the URL it was fetched from.
#[tokio::test]
async fn metadata_has_s256_only_and_exact_issuer() {
    let server = TestServer::start().await;
    let response = server.get("/.well-known/oauth-authorization-server").await;
    assert_eq!(response.status(), StatusCode::OK);
    let content_type = header(&response, CONTENT_TYPE.as_str()).unwrap_or_default();
    assert!(
        content_type.starts_with("application/json"),
        "{content_type}"
    );
    let metadata: Value = response.json().await.unwrap();
    let issuer = server.issuer();
    assert!(issuer.starts_with("http://127.0.0.1:"), "{issuer}");
    assert_eq!(
        metadata,
        json!({
            "issuer": issuer,
            "authorization_endpoint": format!("{issuer}/authorize"),
            "token_endpoint": format!("{issuer}/token"),
            "registration_endpoint": format!("{issuer}/register"),
            "response_types_supported": ["code"],
            "grant_types_supported": ["authorization_code"],
            "code_challenge_methods_supported": ["S256"],
            "token_endpoint_auth_methods_supported": ["none"],
            "authorization_response_iss_parameter_supported": true,
            // DESIGN v2: a client_id may be a metadata document's URL.
            "client_id_metadata_document_supported": true,
        })
    );
}

// AS-34 (RFC 9728 §2): the protected resource's metadata names the resource
// and its authorization server.
#[tokio::test]
async fn protected_resource_metadata_names_resource_and_authorization_server() {
    let server = TestServer::start().await;
    let metadata = server
        .get_json("/.well-known/oauth-protected-resource")
        .await;
    assert_eq!(metadata["resource"], json!(server.url("/resource")));
    assert_eq!(metadata["authorization_servers"], json!([server.issuer()]));
}

// Row 22 · AS-33, AS-3, AS-5 (RFC 7591 §3.2.2; OAuth 2.1 §2.3, §2.3.1,
// §8.4.2): http on a non-loopback host, a fragment, a relative URI or a
// private-use scheme without a dot is invalid_redirect_uri.
#[tokio::test]
async fn register_non_loopback_http_redirect_uri_is_invalid_redirect_uri() {
    let server = TestServer::start().await;
    for uris in [
        json!(["http://evil.example/cb"]),
        json!([REDIRECT_URI, "http://evil.example/cb"]),
        json!(["https://app.example/cb#fragment"]),
        json!(["/relative/cb"]),
        json!(["myapp:/cb"]),
        json!([]),
        json!("http://127.0.0.1/cb"),
        json!([42]),
    ] {
        let response = server
            .register_json(&json!({ "redirect_uris": uris, "token_endpoint_auth_method": "none" }))
            .await;
        expect_json_error(response, StatusCode::BAD_REQUEST, "invalid_redirect_uri").await;
    }
    let missing = server
        .register_json(&json!({ "token_endpoint_auth_method": "none" }))
        .await;
    expect_json_error(missing, StatusCode::BAD_REQUEST, "invalid_redirect_uri").await;
}

// Row 23 · AS-33 (RFC 7591 §3.2.2): an auth method the server does not
// support is invalid_client_metadata, as are disagreeing grant or response
// types and a body that is not a JSON object.
#[tokio::test]
async fn register_unsupported_token_endpoint_auth_method_is_invalid_client_metadata() {
    let server = TestServer::start().await;
    for extra in [
        json!({ "token_endpoint_auth_method": "private_key_jwt" }),
        json!({ "token_endpoint_auth_method": "client_secret_basic" }),
        json!({ "grant_types": ["client_credentials"] }),
        json!({ "response_types": ["token"] }),
    ] {
        let mut document = json!({ "redirect_uris": [REDIRECT_URI] });
        for (k, v) in extra.as_object().unwrap() {
            document[k] = v.clone();
        }
        let response = server.register_json(&document).await;
        expect_json_error(response, StatusCode::BAD_REQUEST, "invalid_client_metadata").await;
    }
    for body in ["not json", "[1,2]", ""] {
        let response = server
            .http
            .post(server.url("/register"))
            .header(CONTENT_TYPE, "application/json")
            .body(body)
            .send()
            .await
            .unwrap();
        expect_json_error(response, StatusCode::BAD_REQUEST, "invalid_client_metadata").await;
    }
}

// AS-33 and SPEC.md "Choices" (RFC 7591 §3.2.1): a public client registers
// with 201, gets a client_id and no secret; without token_endpoint_auth_method
// the server substitutes none and echoes it; Cache-Control: no-store.
#[tokio::test]
async fn register_public_client_gets_201_with_client_id_and_auth_method_none() {
    // https redirect URIs are registered only when the server allows them.
    let server = TestServer::allowing_https().await;
    let response = server
        .register_json(&json!({
            "client_name": "MCP client",
            "redirect_uris": [REDIRECT_URI, "com.example.app:/cb", "https://app.example/cb"],
        }))
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    expect_no_store(&response);
    let body: Value = response.json().await.unwrap();
    assert!(
        body["client_id"].as_str().is_some_and(|id| !id.is_empty()),
        "{body}"
    );
    assert_eq!(body["token_endpoint_auth_method"], json!("none"));
    assert_eq!(
        body["redirect_uris"],
        json!([
            REDIRECT_URI,
            "com.example.app:/cb",
            "https://app.example/cb"
        ])
    );
    assert_eq!(body["client_name"], json!("MCP client"));
    assert!(body.get("client_secret").is_none(), "{body}");
    // Two registrations get two different client ids.
    let other = server.register(&[REDIRECT_URI]).await;
    assert_ne!(body["client_id"].as_str(), Some(other.as_str()));
}
