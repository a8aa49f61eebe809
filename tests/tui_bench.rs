//! The experiment bench driven by actions, as the keys would, over real
//! seeded runs: `e` opens the editor on the request Right sends next, a send
//! reruns the stepped flow with the same values through that stage, `R`
//! replays untouched, and what the screen says about it.

mod tui_support;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use pkce_tutor::flow::{Attack, Edit, Experiment, Flow, Stage};
use pkce_tutor::tui::{
    Action, App, EditorInput as Input, Mode, RunKey, Scroll, ThemeName, key_action, screen_text,
};
use tui_support::{app, load};

/// An app at `stage`, loaded.
async fn at(stage: Stage) -> App {
    let mut app = app(Flow::Pkce, stage, ThemeName::Mono);
    load(&mut app).await;
    app
}

fn keys(app: &mut App, inputs: &[Input]) {
    for &input in inputs {
        app.update(Action::Editor(input));
    }
}

/// The value the stepped run sent for a parameter at a stage.
fn sent(app: &App, stage: Stage, param: &str) -> Option<String> {
    let run = app.run(RunKey::honest(app.flow))?;
    let step = run.stage(stage)?.http_step()?;
    step.exchange
        .as_ref()?
        .request
        .param(param)
        .map(str::to_owned)
}

/// The editor's rows down to the parameter `name`, then Enter.
fn edit(app: &mut App, name: &str) {
    let editor = app.editor.as_ref().expect("the editor is open");
    let row = editor
        .fields
        .iter()
        .position(|f| f.name == name)
        .unwrap_or_else(|| panic!("{name} is in the request"));
    for _ in 0..row {
        app.update(Action::Editor(Input::Down));
    }
    app.update(Action::Editor(Input::Enter));
}

#[tokio::test]
async fn one_character_of_the_verifier_changed_is_refused_and_r_replays_it_untouched() {
    let mut app = at(Stage::CodeIssued).await;
    app.update(Action::Amend);
    let editor = app.editor.as_ref().expect("e opens the editor");
    assert_eq!(
        editor.stage,
        Stage::TokenRequest,
        "the request Right sends next"
    );
    let verifier = editor.planned.param("code_verifier").unwrap().to_owned();
    let last = verifier.chars().last().unwrap();
    let other = if last == 'x' { 'y' } else { 'x' };
    let flipped = format!("{}{other}", &verifier[..verifier.len() - 1]);

    edit(&mut app, "code_verifier");
    keys(
        &mut app,
        &[
            Input::Backspace,
            Input::Char(other),
            Input::Enter,
            Input::Char('s'),
        ],
    );
    assert!(app.editor.is_none(), "s sends and closes the editor");
    assert_eq!(
        app.stage,
        Stage::TokenRequest,
        "the screen shows the sent stage"
    );
    assert!(
        app.status
            .as_deref()
            .unwrap()
            .contains("R replays untouched")
    );
    load(&mut app).await;

    let run = app.run(RunKey::honest(Flow::Pkce)).unwrap();
    let step = run.trace.token_step().unwrap();
    let response = &step.exchange.as_ref().unwrap().response;
    assert_eq!(response.status, 400);
    assert_eq!(response.json_str("error").as_deref(), Some("invalid_grant"));
    let amendment = step.amendment("code_verifier").expect("recorded");
    assert_eq!(amendment.from.as_deref(), Some(verifier.as_str()));
    assert_eq!(amendment.to.as_deref(), Some(flipped.as_str()));
    let screen = screen_text(&app, 120, 40);
    for shown in [
        "← 400 Bad Request",
        "invalid_grant",
        "✎ code_verifier",
        flipped.as_str(),
        &format!("was {verifier}"),
        "✎ amended: stage 5",
    ] {
        assert!(screen.contains(shown), "{shown} is not on\n{screen}");
    }

    app.update(Action::Rerun);
    assert_eq!(app.stage, Stage::TokenRequest, "R stays on the stage");
    assert!(app.bench.is_untouched());
    assert!(
        app.status
            .as_deref()
            .unwrap()
            .contains("same values, untouched")
    );
    load(&mut app).await;
    assert_eq!(
        sent(&app, Stage::TokenRequest, "code_verifier").as_deref(),
        Some(verifier.as_str()),
        "the same verifier, untouched"
    );
    let screen = screen_text(&app, 120, 40);
    assert!(screen.contains("← 200 OK"), "{screen}");
    assert!(!screen.contains('✎'), "{screen}");
}

#[tokio::test]
async fn e_says_why_when_there_is_nothing_to_amend() {
    let mut app = at(Stage::Verification).await;
    app.update(Action::Amend);
    assert!(app.editor.is_none());
    assert!(
        app.status
            .as_deref()
            .unwrap()
            .contains("stage 6 is the last")
    );
    assert!(screen_text(&app, 80, 24).contains("stage 6 is the last"));

    let mut app = at(Stage::Verifier).await;
    app.update(Action::Amend);
    assert!(app.editor.is_none());
    assert!(
        app.status
            .as_deref()
            .unwrap()
            .contains("stage 2 sends nothing")
    );
    app.update(Action::Next);
    assert_eq!(app.status, None, "the status line lasts until the next key");
}

#[tokio::test]
async fn every_request_stage_opens_the_editor_with_its_actor_and_experiments() {
    for (shown, stage, actor, experiments) in [
        (Stage::Challenge, Stage::AuthorizationRequest, "browser", 4),
        (Stage::AuthorizationRequest, Stage::CodeIssued, "browser", 0),
        (Stage::CodeIssued, Stage::TokenRequest, "client", 4),
        (Stage::TokenRequest, Stage::Verification, "client", 0),
    ] {
        let mut app = at(shown).await;
        app.update(Action::Amend);
        let editor = app.editor.as_ref().expect("the editor opens");
        assert_eq!(editor.stage, stage);
        assert_eq!(editor.actor.name(), actor);
        assert_eq!(
            editor.experiments.len(),
            experiments,
            "stage {}",
            stage.number()
        );
        app.update(Action::Editor(Input::Cancel));
        assert!(app.editor.is_none());
        assert_eq!(app.generation, 0, "Esc sends nothing");
        assert!(app.status.as_deref().unwrap().contains("nothing sent"));
    }
}

#[tokio::test]
async fn a_quick_experiment_sends_at_once_and_its_lesson_explains_the_answer() {
    let mut app = at(Stage::CodeIssued).await;
    app.update(Action::Amend);
    app.update(Action::Editor(Input::Char('1')));
    assert_eq!(app.bench.experiment, Some(Experiment::FlipVerifier));
    load(&mut app).await;
    let screen = screen_text(&app, 120, 40);
    assert!(
        screen.contains("Experiment: one character of the verifier changed"),
        "{screen}"
    );
    // The top bar names the experiment where it has room.
    assert!(
        screen_text(&app, 200, 40).contains("✎ experiment: flip one character of code_verifier")
    );
    // Where it has not, the stage it amended.
    let narrow = screen_text(&app, 100, 40);
    assert!(narrow.contains("✎ amended: stage 5"), "{narrow}");

    // The replay's second redemption goes out at stage 6: the screen goes
    // there.
    let mut app = at(Stage::CodeIssued).await;
    app.update(Action::Amend);
    let digit = app
        .editor
        .as_ref()
        .unwrap()
        .experiments
        .iter()
        .position(|(e, _)| *e == Experiment::Replay)
        .unwrap();
    let digit = char::from_digit(u32::try_from(digit).unwrap() + 1, 10).unwrap();
    app.update(Action::Editor(Input::Char(digit)));
    assert_eq!(app.stage, Stage::Verification);
    assert!(app.bench.replay);
    load(&mut app).await;
    let screen = screen_text(&app, 120, 40);
    assert!(
        screen.contains("→ POST /token again: the very same request"),
        "{screen}"
    );
}

#[tokio::test]
async fn a_refused_authorization_request_says_why_the_next_stages_were_not_reached() {
    let mut app = at(Stage::Challenge).await;
    app.update(Action::Amend);
    let drop = app
        .editor
        .as_ref()
        .unwrap()
        .experiments
        .iter()
        .position(|(e, _)| *e == Experiment::DropChallenge)
        .unwrap();
    app.update(Action::Editor(Input::Char(
        char::from_digit(u32::try_from(drop).unwrap() + 1, 10).unwrap(),
    )));
    load(&mut app).await;
    app.update(Action::Next);
    load(&mut app).await;
    let screen = screen_text(&app, 200, 40);
    assert!(
        screen.contains(
            "not reached: the authorization request was refused at stage 3 — invalid_request"
        ),
        "{screen}"
    );
    assert!(!screen.contains("waiting"), "{screen}");
    app.update(Action::Amend);
    assert!(app.editor.is_none());
    assert!(app.status.as_deref().unwrap().contains("not reached"));
}

#[tokio::test]
async fn a_header_http_cannot_carry_is_refused_in_the_editor() {
    let mut app = at(Stage::TokenRequest).await;
    app.update(Action::Amend);
    edit(&mut app, "authorization");
    keys(&mut app, &[Input::Char('é'), Input::Enter]);
    let screen = screen_text(&app, 120, 40);
    assert!(
        screen.contains("HTTP cannot carry 'é' in a header value"),
        "{screen}"
    );
    keys(&mut app, &[Input::Backspace, Input::Enter]);
    assert_eq!(app.editor.as_ref().unwrap().edits(), Vec::<Edit>::new());
}

#[tokio::test]
async fn sends_and_r_keep_the_seed_and_r_lowercase_draws_fresh_values() {
    let mut app = at(Stage::CodeIssued).await;
    let seed = app.seed;
    app.update(Action::Amend);
    app.update(Action::Editor(Input::Char('s')));
    assert_eq!(app.seed, seed, "a send keeps every value");
    app.update(Action::Rerun);
    assert_eq!(app.seed, seed);
    app.update(Action::Restart);
    assert_ne!(app.seed, seed, "r: fresh values");
    assert!(app.bench.is_untouched());
}

#[test]
fn the_stepped_flow_gets_the_pinned_port_and_the_edits_the_others_the_next_ports() {
    let mut app = app(Flow::Pkce, Stage::Verifier, ThemeName::Mono);
    app.port = Some(47000);
    app.bench.edits = vec![(
        Stage::TokenRequest,
        Edit::Drop {
            param: "code_verifier".into(),
        },
    )];
    let stepped = app.scenario(RunKey::honest(Flow::Pkce));
    assert_eq!(stepped.port, Some(47000));
    assert_eq!(stepped.edits.len(), 1);
    let other = app.scenario(RunKey::honest(Flow::Plain));
    assert_eq!(other.port, Some(47001));
    assert!(
        other.edits.is_empty(),
        "edits apply to the stepped flow only"
    );
    // Each side of each attack on a port of its own, so that the runs of
    // every attack picked can live at once.
    let mut ports: Vec<u16> = Attack::ALL
        .into_iter()
        .flat_map(|attack| [Flow::Plain, Flow::Pkce].map(|f| RunKey::attacked(f, attack)))
        .filter_map(|key| app.scenario(key).port)
        .collect();
    assert_eq!(
        app.scenario(RunKey::attacked(Flow::Plain, Attack::Interception))
            .port,
        Some(47002)
    );
    ports.sort_unstable();
    assert_eq!(ports, (47002..47010).collect::<Vec<_>>());
}

#[tokio::test]
async fn the_wire_view_stays_on_across_stages_until_w_or_esc() {
    let mut app = at(Stage::AuthorizationRequest).await;
    app.update(Action::ToggleWire);
    assert_eq!(app.mode, Mode::Wire);
    load(&mut app).await;
    let screen = screen_text(&app, 120, 40);
    assert!(
        screen.contains("GET /authorize?response_type=code"),
        "{screen}"
    );
    assert!(screen.contains("host: 127.0.0.1:41237"), "{screen}");
    app.update(Action::Next);
    assert_eq!(app.mode, Mode::Wire);
    load(&mut app).await;
    assert!(screen_text(&app, 120, 40).contains("POST /consent HTTP/1.1"));
    app.update(Action::Close);
    assert_eq!(app.mode, Mode::Stepping);
    app.update(Action::ToggleWire);
    app.update(Action::ToggleWire);
    assert_eq!(app.mode, Mode::Stepping);
}

#[tokio::test]
async fn the_open_editor_reads_every_key_but_ctrl_c_and_its_help() {
    let mut app = at(Stage::CodeIssued).await;
    let press = |code| KeyEvent::new(code, KeyModifiers::NONE);
    app.update(Action::Amend);
    assert_eq!(
        key_action(&app, press(KeyCode::Char('q'))),
        Some(Action::Editor(Input::Char('q'))),
        "q does not quit from the editor"
    );
    assert_eq!(
        key_action(
            &app,
            KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL)
        ),
        Some(Action::Quit)
    );
    let help = key_action(&app, press(KeyCode::Char('?'))).unwrap();
    app.update(help);
    assert!(app.help && app.editor.is_some());
    assert!(screen_text(&app, 120, 40).contains("Keys of the request editor"));
    let close = key_action(&app, press(KeyCode::Esc)).unwrap();
    app.update(close);
    assert!(
        !app.help && app.editor.is_some(),
        "Esc closes the help first"
    );
    let discard = key_action(&app, press(KeyCode::Esc)).unwrap();
    app.update(discard);
    assert!(app.editor.is_none());
}

#[tokio::test]
async fn an_expired_code_says_so_and_offers_r() {
    let mut app = at(Stage::CodeIssued).await;
    app.clock += std::time::Duration::from_secs(601);
    let screen = screen_text(&app, 120, 40);
    assert!(
        screen.contains("expired: R runs the flow again"),
        "{screen}"
    );
}

#[tokio::test]
async fn the_wire_view_scrolls_by_page_and_line_and_stops_at_its_end() {
    let mut app = at(Stage::AuthorizationRequest).await;
    app.resize(80, 24);
    app.update(Action::ToggleWire);
    for _ in 0..20 {
        app.update(Action::Scroll(Scroll::PageDown));
    }
    let end = app.scroll;
    assert!(end > 0, "the consent page's raw HTML runs past one screen");
    let screen = screen_text(&app, 80, 24);
    // The last step of stage 3: the server's fetch of the client's
    // metadata document, whose JSON ends the view.
    assert!(
        screen.contains("\"token_endpoint_auth_method\":\"none\"}"),
        "{screen}"
    );
    app.update(Action::Scroll(Scroll::LineUp));
    assert_eq!(app.scroll, end - 1, "one line up, at once");
    app.update(Action::Next);
    assert_eq!(app.scroll, 0, "a new stage starts at the top");
}
