//! `transcript --set/--drop/--port` as a user runs them (DESIGN.md, "Precise
//! points of the v2 contract": amendments, where a run stops).

use assert_cmd::Command;
use serde_json::Value;

fn pkce_tutor() -> Command {
    Command::cargo_bin("pkce-tutor").expect("the binary builds")
}

fn transcript(args: &[&str]) -> Value {
    let output = pkce_tutor()
        .args(["transcript", "--seed", "7", "--format", "json"])
        .args(args)
        .output()
        .expect("runs");
    assert!(output.status.success(), "{output:?}");
    serde_json::from_slice(&output.stdout).expect("stdout is JSON")
}

fn stage(json: &Value, number: usize) -> &Value {
    &json["stages"][number - 1]
}

fn response(stage: &Value) -> &Value {
    &stage["exchanges"][0]["response"]
}

/// The verifier of a run with one character changed.
fn flipped(verifier: &str) -> String {
    let mut chars: Vec<char> = verifier.chars().collect();
    let last = chars.last_mut().unwrap();
    *last = if *last == 'x' { 'y' } else { 'x' };
    chars.into_iter().collect()
}

#[test]
fn a_flipped_verifier_is_invalid_grant_and_stage_6_calls_nothing() {
    let honest = transcript(&[]);
    let verifier = stage(&honest, 1)["code_verifier"]
        .as_str()
        .unwrap()
        .to_owned();
    let other = flipped(&verifier);
    let json = transcript(&["--set", &format!("5:code_verifier={other}")]);
    let five = stage(&json, 5);
    assert_eq!(response(five)["status"], 400);
    assert_eq!(response(five)["body"]["error"], "invalid_grant");
    assert_eq!(five["error"], "invalid_grant");
    assert_eq!(
        five["amendments"],
        serde_json::json!([{"param": "code_verifier", "from": verifier, "to": other}])
    );
    assert_eq!(
        five["exchanges"][0]["request"]["params"]["code_verifier"],
        other
    );
    let six = stage(&json, 6);
    assert_eq!(six["reached"], true);
    assert_eq!(six["exchanges"], serde_json::json!([]));
    assert_eq!(six["error"], "invalid_grant");
    // The same seed gives the same verifier with and without amendments.
    assert_eq!(stage(&json, 1)["code_verifier"], verifier.as_str());
}

#[test]
fn a_dropped_verifier_is_invalid_request() {
    let json = transcript(&["--drop", "5:code_verifier"]);
    let five = stage(&json, 5);
    assert_eq!(response(five)["status"], 400);
    assert_eq!(response(five)["body"]["error"], "invalid_request");
    assert!(five["exchanges"][0]["request"]["params"]["code_verifier"].is_null());
    assert_eq!(five["amendments"][0]["to"], Value::Null);
}

#[test]
fn a_dropped_challenge_is_redirected_with_an_error_and_the_run_stops_at_stage_3() {
    let json = transcript(&["--drop", "3:code_challenge"]);
    let three = stage(&json, 3);
    let response = response(three);
    assert_eq!(response["status"], 302);
    let location = response["headers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h[0] == "location")
        .map(|h| h[1].as_str().unwrap().to_owned())
        .expect("a redirect");
    let url = url::Url::parse(&location).unwrap();
    let params: Vec<(String, String)> = url.query_pairs().into_owned().collect();
    let get = |name: &str| {
        params
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    };
    assert_eq!(get("error"), Some("invalid_request"));
    assert_eq!(get("state"), three["state"].as_str());
    assert_eq!(get("iss"), json["issuer"].as_str());
    assert_eq!(get("code"), None);
    assert_eq!(three["error"], "invalid_request");
    for n in 4..=6 {
        assert_eq!(stage(&json, n)["reached"], false, "stage {n}");
        assert_eq!(stage(&json, n)["exchanges"], serde_json::json!([]));
    }
}

#[test]
fn a_set_parameter_the_request_lacks_is_added_with_from_null() {
    let json = transcript(&["--set", "5:nonce=abc"]);
    let five = stage(&json, 5);
    assert_eq!(
        five["amendments"],
        serde_json::json!([{"param": "nonce", "from": null, "to": "abc"}])
    );
    assert_eq!(five["exchanges"][0]["request"]["params"]["nonce"], "abc");
    // The token endpoint ignores an unknown parameter (SPEC.md AS-21).
    assert_eq!(response(five)["status"], 200);
}

#[test]
fn the_last_set_of_a_parameter_wins() {
    let json = transcript(&[
        "--set",
        "5:code_verifier=first",
        "--set",
        "5:code_verifier=second",
    ]);
    assert_eq!(stage(&json, 5)["amendments"][0]["to"], "second");
}

#[test]
fn dropping_a_parameter_the_request_lacks_warns_and_changes_nothing() {
    let output = pkce_tutor()
        .args([
            "transcript",
            "--seed",
            "7",
            "--format",
            "json",
            "--drop",
            "5:nonce",
        ])
        .output()
        .unwrap();
    assert!(output.status.success());
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.contains("--drop 5:nonce") && stderr.contains("nothing dropped"),
        "{stderr}"
    );
    let json: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(stage(&json, 5)["amendments"], serde_json::json!([]));
}

#[test]
fn a_malformed_amendment_is_refused_with_exit_2_and_nothing_on_stdout() {
    for (option, value, says) in [
        ("--set", "4:code=x", "3 (authorization request) or 5"),
        ("--set", "code_verifier=x", "no ':'"),
        ("--set", "5:code_verifier", "no '='"),
        (
            "--drop",
            "6:authorization",
            "3 (authorization request) or 5",
        ),
        ("--drop", "5:", "no parameter"),
    ] {
        let output = pkce_tutor()
            .args(["transcript", option, value])
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "{option} {value}");
        assert!(output.stdout.is_empty(), "{option} {value}");
        let stderr = String::from_utf8(output.stderr).unwrap();
        assert!(stderr.contains(option) && stderr.contains(says), "{stderr}");
    }
}

#[test]
fn a_pinned_port_is_the_issuers() {
    let json = transcript(&["--port", "47391"]);
    assert_eq!(json["issuer"], "http://127.0.0.1:47391");
}
