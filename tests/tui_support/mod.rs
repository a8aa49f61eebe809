//! Shared by the TUI tests: an app loaded from real seeded runs, with the
//! server's port (picked by the OS) pinned to 41237 in every record before
//! the app sees it, so that screens are the same on every run, wrapping
//! included. (A filter on the finished text could not fix a port that a
//! wrapped value splits across two lines.)
#![allow(dead_code)]

use std::sync::Arc;

use pkce_tutor::flow::{AttackRecord, Flow, Registration, Stage, StageRecord, StepRecord};
use pkce_tutor::lessons::LessonSet;
use pkce_tutor::record::PlannedRequest;
use pkce_tutor::server::{ServerEvent, StoredCode};
use pkce_tutor::tui::{self, Action, App, Config, RunEvent, ThemeName};
use pkce_tutor::wire::{Exchange, Param};

/// The port every screen shows.
pub const PORT: &str = "41237";

/// A fresh app (seed 7, built-in lessons), without checkpoints: these tests
/// are about the screens, and a checkpoint would stop Right
/// (`tests/tui_checkpoints.rs` has them).
pub fn app(flow: Flow, stage: Stage, theme: ThemeName) -> App {
    app_with(
        flow,
        stage,
        theme,
        LessonSet::builtin().without_checkpoints(),
    )
}

/// A fresh app (seed 7) with these lessons.
pub fn app_with(flow: Flow, stage: Stage, theme: ThemeName, lessons: LessonSet) -> App {
    App::new(Config {
        flow,
        stage,
        seed: Some(7),
        port: None,
        edits: Vec::new(),
        theme,
        notes: false,
        lessons: Arc::new(lessons),
        autoplay: None,
        code_lifetime: None,
        registration: pkce_tutor::flow::Registration::Cimd,
        browser: pkce_tutor::flow::BrowserMode::Simulated,
    })
}

/// A fresh app (seed 7, built-in lessons, no checkpoints) whose client
/// gets its client_id this way.
pub fn app_registering(flow: Flow, stage: Stage, registration: Registration) -> App {
    let mut app = app(flow, stage, ThemeName::Mono);
    app.registration = registration;
    app
}

/// Runs what the app needs for real, pinning the port.
pub async fn load(app: &mut App) {
    let mut ports = Ports::default();
    tui::load_with(app, |event| pin(event, &mut ports))
        .await
        .expect("the real flows run");
}

/// An app of that flow and stage, with those actions applied, loaded.
pub async fn screen(flow: Flow, stage: Stage, actions: &[Action], theme: ThemeName) -> App {
    let mut app = app(flow, stage, theme);
    for &action in actions {
        app.update(action);
    }
    load(&mut app).await;
    app
}

/// The port the client's listener shows (its metadata document, a real
/// browser's redirect): the server's plus 100, as with `--port`.
pub const LISTENER_PORT: &str = "41337";

/// The ports of a run as the OS picked them: the server's, the listener's.
#[derive(Default)]
pub struct Ports {
    server: Option<String>,
    listener: Option<String>,
}

fn pin(event: RunEvent, ports: &mut Ports) -> RunEvent {
    let port_of = |origin: &str| origin.rsplit(':').next().map(str::to_owned);
    if let RunEvent::Started { issuer, listener } = &event {
        ports.server = port_of(issuer);
        ports.listener = listener.as_deref().and_then(port_of);
    }
    let pairs: Vec<(String, &str)> = [
        (ports.server.clone(), PORT),
        (ports.listener.clone(), LISTENER_PORT),
    ]
    .into_iter()
    .filter_map(|(from, to)| Some((from?, to)))
    .collect();
    if pairs.is_empty() {
        return event;
    }
    let fix = |s: &mut String| {
        for (port, to) in &pairs {
            let from = format!("127.0.0.1:{port}");
            if s.contains(&from) {
                *s = s.replace(&from, &format!("127.0.0.1:{to}"));
            }
            // Percent-encoded, as in a Location header.
            let enc = format!("127.0.0.1%3A{port}");
            if s.contains(&enc) {
                *s = s.replace(&enc, &format!("127.0.0.1%3A{to}"));
            }
        }
    };
    match event {
        RunEvent::Started {
            mut issuer,
            mut listener,
        } => {
            fix(&mut issuer);
            opt(&mut listener, &fix);
            RunEvent::Started { issuer, listener }
        }
        RunEvent::Discovered {
            mut step,
            more,
            mut client_id,
        } => {
            self::step(&mut step, &fix);
            opt(&mut client_id, &fix);
            RunEvent::Discovered {
                step,
                more,
                client_id,
            }
        }
        RunEvent::Planned(Some(mut plan)) => {
            planned(&mut plan.request, &fix);
            RunEvent::Planned(Some(plan))
        }
        RunEvent::Stage(mut record) => {
            stage(&mut record, &fix);
            RunEvent::Stage(record)
        }
        RunEvent::Attack(mut record) => {
            attack(&mut record, &fix);
            RunEvent::Attack(record)
        }
        other => other,
    }
}

fn opt(s: &mut Option<String>, fix: &impl Fn(&mut String)) {
    if let Some(s) = s {
        fix(s);
    }
}

fn params(ps: &mut [Param], fix: &impl Fn(&mut String)) {
    for p in ps {
        fix(&mut p.value);
    }
}

fn exchange(e: &mut Exchange, fix: &impl Fn(&mut String)) {
    fix(&mut e.request.url);
    params(&mut e.request.params, fix);
    for (_, v) in &mut e.request.headers {
        fix(v);
    }
    opt(&mut e.request.body, fix);
    for (_, v) in &mut e.response.headers {
        fix(v);
    }
    opt(&mut e.response.body, fix);
}

fn server_event(ev: &mut ServerEvent, fix: &impl Fn(&mut String)) {
    match ev {
        ServerEvent::Received { params: ps, .. } => params(ps, fix),
        ServerEvent::ClientRegistered {
            client_id,
            redirect_uris,
        } => {
            fix(client_id);
            redirect_uris.iter_mut().for_each(fix)
        }
        ServerEvent::ConsentShown {
            client_id,
            redirect_uri,
        } => {
            fix(client_id);
            fix(redirect_uri);
        }
        ServerEvent::CodeIssued(StoredCode {
            client_id,
            redirect_uri,
            resource,
            ..
        }) => {
            fix(client_id);
            fix(redirect_uri);
            opt(resource, fix);
        }
        ServerEvent::TokenIssued {
            client_id,
            audience,
            ..
        } => {
            fix(client_id);
            opt(audience, fix);
        }
        ServerEvent::ResourceAccess { reason, .. } => opt(reason, fix),
        ServerEvent::Refused {
            error_description, ..
        } => fix(error_description),
        ServerEvent::PkceChecked(_) | ServerEvent::TokensRevoked { .. } => {}
    }
}

fn stage(r: &mut StageRecord, fix: &impl Fn(&mut String)) {
    let c = &mut r.client;
    fix(&mut c.client_id);
    fix(&mut c.redirect_uri);
    fix(&mut c.resource);
    opt(&mut c.authorization_url, fix);
    opt(&mut c.iss, fix);
    opt(&mut c.error, fix);
    r.steps.iter_mut().for_each(|s| step(s, fix));
}

fn attack(r: &mut AttackRecord, fix: &impl Fn(&mut String)) {
    exchange(&mut r.decisive, fix);
    r.steps.iter_mut().for_each(|s| step(s, fix));
}

fn planned(p: &mut PlannedRequest, fix: &impl Fn(&mut String)) {
    fix(&mut p.url);
    params(&mut p.params, fix);
    for (_, v) in &mut p.fixed_headers {
        fix(v);
    }
}

fn step(s: &mut StepRecord, fix: &impl Fn(&mut String)) {
    fix(&mut s.purpose);
    s.checks.iter_mut().for_each(|c| fix(&mut c.rule));
    if let Some(p) = &mut s.planned {
        planned(p, fix);
    }
    for a in &mut s.amendments {
        opt(&mut a.from, fix);
        opt(&mut a.to, fix);
    }
    if let Some(e) = &mut s.exchange {
        exchange(e, fix);
    }
    if let Some(head) = &mut s.received {
        fix(&mut head.target);
        for (_, v) in &mut head.headers {
            fix(v);
        }
    }
    s.server_events
        .iter_mut()
        .for_each(|e| server_event(e, fix));
}
