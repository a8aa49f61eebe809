//! Shared by the TUI tests: an app loaded from real seeded runs, with the
//! server's port (picked by the OS) pinned to 41237 in every record before
//! the app sees it, so that screens are the same on every run, wrapping
//! included. (A filter on the finished text could not fix a port that a
//! wrapped value splits across two lines.)
#![allow(dead_code)]

use std::sync::Arc;

use pkce_tutor::flow::{AttackRecord, Flow, Stage, StageRecord, StepRecord};
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
    })
}

/// Runs what the app needs for real, pinning the port.
pub async fn load(app: &mut App) {
    let mut port = None::<String>;
    tui::load_with(app, |event| pin(event, &mut port))
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

fn pin(event: RunEvent, port: &mut Option<String>) -> RunEvent {
    if let RunEvent::Started { issuer, .. } = &event {
        *port = issuer.rsplit(':').next().map(str::to_owned);
    }
    let Some(port) = port.clone() else {
        return event;
    };
    let from = format!("127.0.0.1:{port}");
    let to = format!("127.0.0.1:{PORT}");
    let fix = |s: &mut String| {
        if s.contains(&from) {
            *s = s.replace(&from, &to);
        }
        // Percent-encoded, as in a Location header.
        let enc = format!("127.0.0.1%3A{port}");
        if s.contains(&enc) {
            *s = s.replace(&enc, &format!("127.0.0.1%3A{PORT}"));
        }
    };
    match event {
        RunEvent::Started {
            mut issuer,
            mut setup,
        } => {
            fix(&mut issuer);
            setup.iter_mut().for_each(|s| step(s, &fix));
            RunEvent::Started { issuer, setup }
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
        ServerEvent::ClientRegistered { redirect_uris, .. } => {
            redirect_uris.iter_mut().for_each(fix)
        }
        ServerEvent::ConsentShown { redirect_uri, .. } => fix(redirect_uri),
        ServerEvent::CodeIssued(StoredCode {
            redirect_uri,
            resource,
            ..
        }) => {
            fix(redirect_uri);
            opt(resource, fix);
        }
        ServerEvent::TokenIssued { audience, .. } => opt(audience, fix),
        ServerEvent::ResourceAccess { reason, .. } => opt(reason, fix),
        ServerEvent::Refused {
            error_description, ..
        } => fix(error_description),
        ServerEvent::PkceChecked(_) | ServerEvent::TokensRevoked { .. } => {}
    }
}

fn stage(r: &mut StageRecord, fix: &impl Fn(&mut String)) {
    let c = &mut r.client;
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
