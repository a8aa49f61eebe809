//! Interop over a process boundary (issue 2): `pkce-tutor serve` runs as a
//! subprocess, our own client (`pkce_tutor::client::Client`) runs the whole
//! S256 flow against it, and SIGTERM / SIGINT stop it with exit status 0
//! (DESIGN.md, "Commands").

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use pkce_tutor::client::{AuthorizationRequest, Client, TokenRequest, parse_callback};
use pkce_tutor::pkce::{CodeVerifier, derive_s256};

const REDIRECT_URI: &str = "http://127.0.0.1:33418/callback";

/// The `serve` subprocess; killed if a test fails before stopping it.
struct Serve {
    child: Child,
    issuer: String,
    first_line: String,
}

impl Serve {
    /// Starts `pkce-tutor serve` with these extra arguments and reads the
    /// issuer from the first line of its stdout.
    fn start(extra: &[&str]) -> Self {
        let binary = assert_cmd::cargo::cargo_bin("pkce-tutor");
        let mut child = Command::new(binary)
            .args(["serve", "--port", "0"])
            .args(extra)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("pkce-tutor serve starts");
        let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
        let mut first_line = String::new();
        stdout.read_line(&mut first_line).expect("first line");
        // Keep draining stdout so the server never blocks on a full pipe.
        std::thread::spawn(move || {
            let _ = std::io::copy(&mut stdout, &mut std::io::sink());
        });
        let at = first_line
            .find("http://127.0.0.1:")
            .unwrap_or_else(|| panic!("no issuer URL in the first line: {first_line:?}"));
        let issuer: String = first_line[at..]
            .chars()
            .take_while(|c| !c.is_whitespace())
            .collect();
        let port: u16 = issuer["http://127.0.0.1:".len()..]
            .parse()
            .unwrap_or_else(|_| panic!("no port in {issuer:?}"));
        assert_ne!(port, 0, "the real port, not the 0 asked for");
        Self {
            child,
            issuer,
            first_line,
        }
    }

    /// Sends a signal with `kill`, waits up to 10 s for the exit, and returns
    /// the exit status and stderr.
    fn stop(mut self, signal: &str) -> (ExitStatus, String) {
        let killed = Command::new("kill")
            .arg(format!("-{signal}"))
            .arg(self.child.id().to_string())
            .status()
            .expect("kill runs");
        assert!(killed.success());
        let deadline = Instant::now() + Duration::from_secs(10);
        let status = loop {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                break status;
            }
            assert!(
                Instant::now() < deadline,
                "serve did not stop on SIG{signal}"
            );
            std::thread::sleep(Duration::from_millis(20));
        };
        let mut stderr = String::new();
        if let Some(mut pipe) = self.child.stderr.take() {
            let _ = pipe.read_to_string(&mut stderr);
        }
        (status, stderr)
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// Our client's whole S256 flow against an issuer: discovery, registration,
/// authorization (auto-approved), callback checks, token, resource.
async fn run_flow(issuer: &str) {
    let client = Client::new().expect("client");
    // Discovery checks the issuer and S256 support (SPEC.md C-2, C-3).
    let metadata = client.discover(issuer).await.expect("discovery").value;
    assert_eq!(metadata.issuer, issuer);
    let client_id = client
        .register(&metadata, REDIRECT_URI, "interop_cli")
        .await
        .expect("registration")
        .value;

    let (verifier, _) = CodeVerifier::generate(&mut rand::rng());
    let challenge = derive_s256(&verifier).challenge;
    let resource = format!("{issuer}/resource");
    let state = "interop-cli-state";
    let url = Client::authorization_url(
        &metadata,
        &AuthorizationRequest {
            client_id: &client_id,
            redirect_uri: REDIRECT_URI,
            state,
            code_challenge: Some(&challenge),
            scope: "mcp",
            resource: &resource,
        },
    )
    .expect("authorization URL");
    let redirect = client
        .open_authorization(&url)
        .await
        .expect("authorization request");
    assert_eq!(
        redirect.response.status, 302,
        "--auto-approve redirects at once"
    );
    let callback = parse_callback(
        &redirect.response,
        state,
        issuer,
        metadata.authorization_response_iss_parameter_supported,
    )
    .expect("the callback has the state and iss sent");
    assert_eq!(callback.iss.as_deref(), Some(issuer));

    let token = client
        .exchange_code(
            &metadata,
            "token request",
            &TokenRequest {
                code: &callback.code,
                redirect_uri: REDIRECT_URI,
                client_id: &client_id,
                code_verifier: Some(&verifier),
                resource: &resource,
            },
        )
        .await
        .expect("token request");
    assert_eq!(token.response.status, 200, "{:?}", token.response.body);
    assert_eq!(token.response.header("cache-control"), Some("no-store"));
    let access_token = token
        .response
        .json_str("access_token")
        .expect("access_token");

    let granted = client
        .call_resource("resource", &resource, &access_token)
        .await
        .expect("resource request");
    assert_eq!(granted.response.status, 200, "{:?}", granted.response.body);
    let refused = client
        .call_resource("resource", &resource, "not-a-token")
        .await
        .expect("resource request");
    assert_eq!(refused.response.status, 401);
}

// DESIGN.md "Commands": serve prints the issuer on its first stdout line,
// serves the contract (our client's full flow), and exits 0 on SIGTERM.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn our_client_runs_the_s256_flow_against_serve_which_exits_0_on_sigterm() {
    let serve = Serve::start(&["--auto-approve", "--seed", "3"]);
    assert!(serve.first_line.contains(&serve.issuer));
    run_flow(&serve.issuer.clone()).await;
    let (status, stderr) = serve.stop("TERM");
    assert_eq!(
        status.code(),
        Some(0),
        "exit status {status:?}; stderr: {stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
}

// DESIGN.md "Commands": SIGINT (Ctrl-C) stops serve with 0 as well.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_exits_0_on_sigint() {
    let serve = Serve::start(&["--auto-approve"]);
    let metadata = reqwest::get(format!(
        "{}/.well-known/oauth-authorization-server",
        serve.issuer
    ))
    .await
    .expect("metadata request");
    assert_eq!(metadata.status(), reqwest::StatusCode::OK);
    let (status, stderr) = serve.stop("INT");
    assert_eq!(
        status.code(),
        Some(0),
        "exit status {status:?}; stderr: {stderr}"
    );
}
