//! The headless commands as a user runs them: `transcript`, `challenge` and
//! the usage errors (DESIGN.md, "The outside contract").

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;

fn pkce_tutor() -> Command {
    Command::cargo_bin("pkce-tutor").expect("the binary builds")
}

fn transcript_json(args: &[&str]) -> Value {
    let output = pkce_tutor()
        .arg("transcript")
        .args(["--format", "json"])
        .args(args)
        .output()
        .expect("runs");
    assert!(output.status.success(), "{output:?}");
    serde_json::from_slice(&output.stdout).expect("stdout is JSON")
}

/// Replaces the server's port, the only value that may differ between two
/// seeded runs (plain and percent-encoded, as in a query string).
fn without_port(text: &str) -> String {
    let mut out = text.to_owned();
    for prefix in ["127.0.0.1:", "127.0.0.1%3A"] {
        let mut normalized = String::with_capacity(out.len());
        let mut rest = out.as_str();
        while let Some(at) = rest.find(prefix) {
            let (head, tail) = rest.split_at(at + prefix.len());
            normalized.push_str(head);
            normalized.push_str("PORT");
            rest = tail.trim_start_matches(|c: char| c.is_ascii_digit());
        }
        normalized.push_str(rest);
        out = normalized;
    }
    out
}

fn stage(json: &Value, number: u64) -> &Value {
    json["stages"]
        .as_array()
        .expect("stages")
        .iter()
        .find(|s| s["number"] == number)
        .expect("stage present")
}

#[test]
fn seeded_json_transcript_is_identical_across_runs_except_the_port() {
    let run = || {
        let out = pkce_tutor()
            .args(["transcript", "--seed", "7", "--format", "json"])
            .output()
            .unwrap();
        assert!(out.status.success());
        String::from_utf8(out.stdout).unwrap()
    };
    let (first, second) = (run(), run());
    let (a, b) = (without_port(&first), without_port(&second));
    for (line, (x, y)) in a.lines().zip(b.lines()).enumerate() {
        assert_eq!(x, y, "line {} differs between two runs", line + 1);
    }
    assert_eq!(a.lines().count(), b.lines().count());
    // The redirect URI's fixed port is not the server's; the issuer's is.
    assert!(first.contains("\"issuer\": \"http://127.0.0.1:"));
}

#[test]
fn json_has_six_numbered_stages_with_protocol_names() {
    let json = transcript_json(&["--seed", "7"]);
    assert_eq!(json["flow"], "pkce");
    let stages = json["stages"].as_array().unwrap();
    assert_eq!(stages.len(), 6);
    for (i, s) in stages.iter().enumerate() {
        assert_eq!(s["number"], i as u64 + 1);
        assert!(s["title"].as_str().is_some_and(|t| !t.is_empty()));
    }
    assert_eq!(stage(&json, 2)["code_challenge_method"], "S256");
    let request = &stage(&json, 3)["exchanges"][0]["request"];
    assert_eq!(request["method"], "GET");
    assert!(request["url"].as_str().unwrap().contains("/authorize?"));
    assert_eq!(request["params"]["code_challenge_method"], "S256");
    let token = &stage(&json, 5)["exchanges"][0];
    assert_eq!(token["response"]["status"], 200);
    assert_eq!(token["response"]["body"]["token_type"], "Bearer");
}

#[test]
fn json_challenge_is_s256_of_its_verifier() {
    let json = transcript_json(&["--seed", "7"]);
    let verifier = stage(&json, 2)["code_verifier"]
        .as_str()
        .unwrap()
        .to_owned();
    let challenge = stage(&json, 2)["code_challenge"].as_str().unwrap();
    let computed = pkce_tutor()
        .args(["challenge", &verifier])
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8(computed.stdout).unwrap().trim(),
        challenge
    );
    // The request carried it, and the verifier went to the token endpoint.
    assert_eq!(
        stage(&json, 3)["exchanges"][0]["request"]["params"]["code_challenge"],
        challenge
    );
    assert_eq!(
        stage(&json, 5)["exchanges"][0]["request"]["params"]["code_verifier"],
        verifier.as_str()
    );
}

#[test]
fn plain_flow_carries_no_pkce_parameter() {
    let json = transcript_json(&["--seed", "7", "--flow", "plain"]);
    assert_eq!(json["flow"], "plain");
    for s in json["stages"].as_array().unwrap() {
        for name in ["code_verifier", "code_challenge", "code_challenge_method"] {
            assert!(s.get(name).is_none(), "stage {} holds {name}", s["number"]);
        }
        for exchange in s["exchanges"].as_array().unwrap() {
            let params = exchange["request"]["params"].as_object().unwrap();
            for name in ["code_verifier", "code_challenge", "code_challenge_method"] {
                assert!(!params.contains_key(name), "{name} sent in {exchange}");
            }
        }
    }
    // And the Step 04 server issued the token all the same.
    assert_eq!(stage(&json, 5)["exchanges"][0]["response"]["status"], 200);
}

#[test]
fn interception_succeeds_without_pkce_and_the_real_client_then_fails() {
    let json = transcript_json(&["--seed", "7", "--flow", "plain", "--attack", "interception"]);
    let attack = &json["attack"];
    assert_eq!(attack["kind"], "interception");
    assert_eq!(attack["succeeded"], true);
    assert_eq!(attack["request"]["method"], "POST");
    assert_eq!(attack["response"]["status"], 200);
    assert!(attack["response"]["body"]["access_token"].is_string());
    let real = &stage(&json, 5)["exchanges"][0]["response"];
    assert_eq!(real["status"], 400);
    assert_eq!(real["body"]["error"], "invalid_grant");
}

#[test]
fn interception_fails_with_pkce_and_the_real_client_gets_its_token() {
    let json = transcript_json(&["--seed", "7", "--attack", "interception"]);
    let attack = &json["attack"];
    assert_eq!(attack["succeeded"], false);
    assert_eq!(attack["response"]["status"], 400);
    assert_eq!(attack["response"]["body"]["error"], "invalid_grant");
    let real = &stage(&json, 5)["exchanges"][0]["response"];
    assert_eq!(real["status"], 200);
    assert!(stage(&json, 6)["access_token"].is_string());
}

#[test]
fn downgrade_is_refused_under_pkce_and_succeeds_on_the_lax_server() {
    // PKCE required: the challenge-less request is refused at the door.
    let json = transcript_json(&["--seed", "7", "--attack", "downgrade"]);
    assert_eq!(json["attack"]["succeeded"], false);
    let location = json["attack"]["response"]["headers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h[0] == "location")
        .unwrap()[1]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(location.contains("error=invalid_request"), "{location}");
    // The left side (DESIGN v2): optional PKCE and no downgrade check. The
    // Step 04 server's own downgrade refusal is a rule test (AS-25a).
    let json = transcript_json(&["--seed", "7", "--flow", "plain", "--attack", "downgrade"]);
    assert_eq!(json["attack"]["succeeded"], true);
    assert_eq!(json["attack"]["configuration"]["server_policy"], "lax");
    assert_eq!(json["attack"]["response"]["status"], 200);
}

#[test]
fn text_transcript_marks_pkce_parameters() {
    pkce_tutor()
        .args(["transcript", "--seed", "7"])
        .assert()
        .success()
        .stdout(predicate::str::contains("+ code_challenge "))
        .stdout(predicate::str::contains("+ code_verifier "))
        .stdout(predicate::str::contains("Stage 6/6"));
}

#[test]
fn markdown_transcript_includes_the_lessons() {
    pkce_tutor()
        .args(["transcript", "--seed", "7", "--format", "markdown"])
        .assert()
        .success()
        .stdout(predicate::str::contains("## Stage 1/6"))
        .stdout(predicate::str::contains("RFC 7636"))
        .stdout(predicate::str::contains("{{").not());
}

#[test]
fn challenge_of_the_appendix_b_verifier() {
    pkce_tutor()
        .args(["challenge", "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"])
        .assert()
        .success()
        .stdout("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM\n");
}

#[test]
fn challenge_accepts_a_verifier_that_starts_with_a_hyphen() {
    // `-` is unreserved (RFC 7636 §4.1), so this is a verifier, not an option.
    let verifier = format!("-{}", "a".repeat(42));
    pkce_tutor()
        .args(["challenge", &verifier])
        .assert()
        .success()
        .stdout(predicate::str::is_match("^[A-Za-z0-9_-]{43}\n$").unwrap());
}

#[test]
fn challenge_refuses_a_short_verifier_naming_the_rule() {
    pkce_tutor()
        .args(["challenge", "too-short"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains("at least 43"));
}

#[test]
fn challenge_refuses_a_long_verifier_naming_the_rule() {
    pkce_tutor()
        .args(["challenge", &"a".repeat(129)])
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains("at most 128"));
}

#[test]
fn challenge_refuses_a_bad_character_naming_it() {
    pkce_tutor()
        .args(["challenge", &format!("{}/", "a".repeat(43))])
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains("'/'"))
        .stderr(predicate::str::contains("unreserved"));
}

#[test]
fn usage_errors_exit_2() {
    pkce_tutor().arg("--no-such-flag").assert().code(2);
    pkce_tutor()
        .args(["transcript", "--format", "yaml"])
        .assert()
        .code(2);
    pkce_tutor()
        .args(["render", "--stage", "7"])
        .assert()
        .code(2);
    pkce_tutor()
        .args(["tour", "--flow", "implicit"])
        .assert()
        .code(2);
    pkce_tutor().args(["challenge"]).assert().code(2);
}

#[test]
fn help_and_version() {
    pkce_tutor()
        .arg("--help")
        .assert()
        .success()
        .stdout(predicate::str::contains("transcript"));
    pkce_tutor()
        .arg("--version")
        .assert()
        .success()
        .stdout(predicate::str::contains(env!("CARGO_PKG_VERSION")));
}

#[test]
fn the_tutorial_refuses_to_start_without_a_terminal() {
    // assert_cmd pipes stdout: not a TTY.
    pkce_tutor()
        .assert()
        .code(2)
        .stderr(predicate::str::contains("not a TTY"));
}

#[test]
fn render_shows_the_same_verifier_as_transcript_under_one_seed() {
    let json = transcript_json(&["--seed", "7"]);
    let verifier = stage(&json, 1)["code_verifier"]
        .as_str()
        .unwrap()
        .to_owned();
    let screen = pkce_tutor()
        .args(["render", "--seed", "7", "--stage", "1", "--size", "160x40"])
        .output()
        .unwrap();
    assert!(screen.status.success());
    let screen = String::from_utf8(screen.stdout).unwrap();
    assert_eq!(screen.lines().count(), 40);
    assert!(screen.lines().all(|l| l.chars().count() <= 160));
    assert!(screen.contains(&verifier), "{verifier} not on\n{screen}");
}

/// Method and path of every request of the JSON `discovery` (local steps
/// as `-`).
fn discovery_requests(json: &Value) -> Vec<String> {
    json["discovery"]["steps"]
        .as_array()
        .expect("discovery.steps")
        .iter()
        .map(|step| match step["request"].as_object() {
            Some(request) => {
                let url = url::Url::parse(request["url"].as_str().unwrap()).unwrap();
                format!("{} {}", request["method"].as_str().unwrap(), url.path())
            }
            None => "-".to_owned(),
        })
        .collect()
}

// Issue 10: `transcript` is the MCP client's run: a top-level `discovery`
// holds the chain from the endpoint's 401, each step with its actor and
// checks; by default the client registers by metadata document (what the
// current MCP revision prefers), so there is no POST /register, the
// client_id is a URL, and the server's fetch of the document is recorded
// (at stage 3, where it happened). v1's `setup` stays beside it.
#[test]
fn json_discovery_walks_the_mcp_chain_and_cimd_registers_nothing() {
    let json = transcript_json(&["--seed", "7"]);
    let discovery = &json["discovery"];
    assert_eq!(discovery["target"], "mcp");
    assert_eq!(discovery["registration"], "cimd");
    assert_eq!(
        discovery_requests(&json),
        [
            "POST /mcp",
            "GET /.well-known/oauth-protected-resource/mcp",
            "GET /.well-known/oauth-authorization-server",
            "-",
        ]
    );
    assert_eq!(discovery["steps"][0]["response"]["status"], 401);
    for step in discovery["steps"].as_array().unwrap() {
        assert_eq!(step["actor"], "client");
        let checks = step["checks"].as_array().unwrap();
        assert!(!checks.is_empty() && checks.iter().all(|c| c["passed"] == true));
    }
    let client_id = discovery["client_id"].as_str().unwrap();
    assert!(client_id.starts_with("http://127.0.0.1:"), "{client_id}");
    assert_eq!(stage(&json, 1)["client_id"], client_id);
    assert_eq!(
        discovery["resource"],
        format!("{}/mcp", json["issuer"].as_str().unwrap())
    );
    let fetch = &discovery["client_metadata_fetch"];
    assert_eq!(fetch["stage"], 3);
    assert_eq!(fetch["request"]["url"], client_id);
    assert_eq!(fetch["response"]["body"]["client_id"], client_id);
    assert_eq!(
        stage(&json, 3)["server_fetches"][0]["request"]["url"],
        client_id
    );
    let sent_to_register = json["stages"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["exchanges"].as_array().unwrap())
        .chain(json["setup"].as_array().unwrap())
        .any(|e| e["request"]["url"].as_str().unwrap().ends_with("/register"));
    assert!(!sent_to_register, "no POST /register");
    assert_eq!(json["setup"].as_array().unwrap().len(), 3);
    // Stage 6 is an MCP session whose tool names this client.
    let six = stage(&json, 6)["exchanges"].as_array().unwrap();
    assert_eq!(six.len(), 4);
    assert_eq!(
        six[3]["response"]["body"]["result"]["structuredContent"]["client_id"],
        client_id
    );
}

// `--registration dcr`: the chain ends with POST /register and
// application_type, and the server fetches nothing.
#[test]
fn json_discovery_with_dcr_registers() {
    let json = transcript_json(&["--seed", "7", "--registration", "dcr"]);
    assert_eq!(json["discovery"]["registration"], "dcr");
    assert_eq!(
        discovery_requests(&json).last().map(String::as_str),
        Some("POST /register")
    );
    let register = &json["discovery"]["steps"][3];
    assert_eq!(register["request"]["body"]["application_type"], "native");
    assert_eq!(register["response"]["status"], 201);
    assert!(json["discovery"].get("client_metadata_fetch").is_none());
    assert!(stage(&json, 3).get("server_fetches").is_none());
}
