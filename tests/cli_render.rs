//! `render` as a user runs it (DESIGN.md, "Precise points": `render`): with
//! `--seed` and `--port` the screen is the same byte for byte from run to
//! run; `--set`/`--drop` amend the stepped flow; `--wire` draws the raw
//! HTTP, its `host` the pinned port.

use assert_cmd::Command;

fn render(args: &[&str]) -> String {
    let output = Command::cargo_bin("pkce-tutor")
        .unwrap()
        .arg("render")
        .args(args)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

#[test]
fn a_seeded_render_on_a_pinned_port_is_the_same_byte_for_byte() {
    // The contrast runs the other flow too, on the next port.
    let args = [
        "--seed",
        "7",
        "--port",
        "47613",
        "--stage",
        "4",
        "--contrast",
    ];
    let first = render(&args);
    assert!(first.contains("127.0.0.1:47613"), "{first}");
    assert!(first.contains("server 127.0.0.1:47614"), "{first}");
    assert_eq!(render(&args), first);
    let args = ["--seed", "7", "--port", "47613", "--stage", "5"];
    assert_eq!(render(&args), render(&args));
}

#[test]
fn set_and_drop_amend_the_stepped_flow_and_wire_shows_its_raw_http() {
    let screen = render(&[
        "--seed",
        "7",
        "--port",
        "47623",
        "--stage",
        "5",
        "--wire",
        "--size",
        "120x60",
        "--drop",
        "5:code_verifier",
        "--set",
        "5:nonce=n",
    ]);
    for shown in [
        "POST /token HTTP/1.1",
        "host: 127.0.0.1:47623",
        "✎ you amended this request (planned → sent):",
        "− code_verifier: removed",
        "+ nonce: added",
        "HTTP/1.1 400 Bad Request",
        "invalid_request",
    ] {
        assert!(screen.contains(shown), "{shown} is not on\n{screen}");
    }
}

#[test]
fn render_draws_a_step_of_an_attack_without_a_stage() {
    let args = [
        "--seed",
        "7",
        "--port",
        "47633",
        "--attack",
        "downgrade",
        "--step",
        "2",
        "--size",
        "120x40",
    ];
    let screen = render(&args);
    for shown in [
        "attack: downgrade · step 2/5",
        "without the defence",
        "as OAuth 2.1 and MCP require",
        "✓ attack refused at step 2: GET /authorize →",
        "error            invalid_request",
        "(the attack is decided at step 5)",
    ] {
        assert!(screen.contains(shown), "{shown} is not on\n{screen}");
    }
    assert_eq!(render(&args), screen, "the same byte for byte");
    // --step defaults to the first step.
    let first = render(&["--seed", "7", "--attack", "interception"]);
    assert!(first.contains("attack: interception · step 1/4"), "{first}");
}

#[test]
fn a_step_outside_the_attack_is_refused_with_exit_2() {
    for step in ["0", "5"] {
        let output = Command::cargo_bin("pkce-tutor")
            .unwrap()
            .args(["render", "--seed", "7", "--attack", "interception"])
            .args(["--step", step])
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "--step {step}");
        assert!(output.stdout.is_empty(), "--step {step}: nothing on stdout");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            stderr.contains(&format!(
                "--step {step}: the interception attack has steps 1 to 4"
            )),
            "{stderr}"
        );
    }
    // --step needs --attack; --stage is needed without it.
    for args in [&["render", "--step", "2"][..], &["render"][..]] {
        let output = Command::cargo_bin("pkce-tutor")
            .unwrap()
            .args(args)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "{args:?}");
    }
}

#[test]
fn the_introduction_renders_without_a_stage() {
    let screen = render(&["--seed", "7", "--port", "47643", "--screen", "intro"]);
    for shown in [
        "introduction",
        "Introduction · What PKCE protects",
        "http://127.0.0.1:47643",
        " 1 · The client generates a random code_verifier",
        " 6 · The server checks SHA256(code_verifier)",
    ] {
        assert!(screen.contains(shown), "{shown} is not on\n{screen}");
    }
    assert!(!screen.contains('\x1b'), "text has no escape sequence");
}

#[test]
fn format_ansi_writes_the_themes_colours_as_sgr() {
    let args = [
        "--seed", "7", "--port", "47653", "--stage", "3", "--size", "80x24",
    ];
    let with = |theme: &str| {
        let mut all = args.to_vec();
        all.extend(["--format", "ansi", "--theme", theme]);
        render(&all)
    };
    let light = with("light");
    assert_eq!(light.lines().count(), 24);
    // The light theme's own near-white background, as 24-bit SGR.
    assert!(light.contains("48;2;250;250;250m"), "{light}");
    assert!(
        light.lines().all(|l| l.ends_with("\x1b[0m")),
        "each line reset"
    );
    // Without the escapes, the characters are those of the text format.
    let plain: Vec<String> = strip_sgr(&light)
        .lines()
        .map(|l| l.trim_end().to_owned())
        .collect();
    let text: Vec<String> = render(&args).lines().map(str::to_owned).collect();
    assert_eq!(plain, text);
    // Mono: attributes only, no colour.
    let mono = with("mono");
    assert!(mono.contains("\x1b[0;1m"), "bold");
    assert!(!mono.contains(";38;") && !mono.contains(";48;"), "{mono}");
}

/// The text without its SGR sequences.
fn strip_sgr(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find("\x1b[") {
        out.push_str(&rest[..at]);
        let end = rest[at..].find('m').map_or(rest.len(), |m| at + m + 1);
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

#[test]
fn stage_0_renders_a_step_of_discovery_the_same_byte_for_byte() {
    let args = [
        "--seed", "7", "--port", "47633", "--stage", "0", "--step", "3",
    ];
    let first = render(&args);
    assert!(first.contains("stage 0/6"), "{first}");
    assert!(
        first.contains("GET /.well-known/oauth-authorization-server"),
        "{first}"
    );
    assert!(first.contains("lists S256"), "{first}");
    assert_eq!(render(&args), first);
    let dcr = render(&[
        "--seed",
        "7",
        "--stage",
        "0",
        "--step",
        "4",
        "--registration",
        "dcr",
    ]);
    assert!(dcr.contains("→ POST /register"), "{dcr}");
}

#[test]
fn a_step_stage_0_does_not_have_or_a_step_without_stage_0_is_refused() {
    for (args, says) in [
        (
            &["--stage", "0", "--step", "5"][..],
            "--step 5: stage 0 has steps 1 to 4",
        ),
        (
            &["--stage", "0", "--step", "0"][..],
            "--step 0: stage 0 has steps 1 to 4",
        ),
        (
            &["--stage", "3", "--step", "2"][..],
            "--step K picks a step of an attack (--attack NAME) or of stage 0 (--stage 0)",
        ),
        (&["--stage", "7"][..], "the stage is a number from 0 to 6"),
    ] {
        let output = Command::cargo_bin("pkce-tutor")
            .unwrap()
            .args(["render", "--seed", "7"])
            .args(args)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        assert!(output.stdout.is_empty(), "{args:?}: nothing on stdout");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(says), "{args:?}: {stderr}");
    }
}
