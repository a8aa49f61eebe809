//! What each command does, once the command line is parsed. Exit codes:
//! 0 done, 1 failed (after the terminal is restored), 2 refused to start
//! (bad arguments, not a terminal, bad lesson files).

use std::io::IsTerminal;
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context as _;

use crate::cli::{
    Cli, Command, Format, LessonsCommand, ProgressArgs, RenderArgs, ServeArgs, TourArgs,
    TranscriptArgs,
};
use crate::flow::{BrowserMode, Flow, Scenario, Stage, run as run_flow};
use crate::lessons::{LessonSet, Screen, check_dir};
use crate::linear::{self, LinearOptions};
use crate::pkce::{CodeVerifier, derive_s256};
use crate::progress::Store;
use crate::server::{self, ServerConfig};
use crate::summary::{Summary, resume_stage};
use crate::transcript;
use crate::tui::{self, RenderOptions, RenderScreen, ThemeName, TourOptions};

/// A command refused to start: the message goes to stderr, the exit code is 2.
struct Refused(String);

/// Runs the parsed command line.
pub fn run(cli: Cli) -> ExitCode {
    let outcome = match cli.command.unwrap_or(Command::Tour(cli.tour)) {
        Command::Tour(args) => tour(args),
        Command::Serve(args) => serve(args),
        Command::Challenge(args) => return challenge(&args.verifier),
        Command::Transcript(args) => transcript(args),
        Command::Lessons {
            command: LessonsCommand::Check { dir },
        } => return lessons_check(&dir),
        Command::Render(args) => render(args),
        Command::Notes => notes(),
        Command::Progress(args) => return progress(&args),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(Outcome::Refused(Refused(message))) => {
            eprintln!("pkce-tutor: {message}");
            ExitCode::from(2)
        }
        Err(Outcome::Failed(error)) => {
            eprintln!("pkce-tutor: error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

enum Outcome {
    Refused(Refused),
    Failed(anyhow::Error),
}

impl From<anyhow::Error> for Outcome {
    fn from(error: anyhow::Error) -> Self {
        Self::Failed(error)
    }
}

impl From<Refused> for Outcome {
    fn from(refused: Refused) -> Self {
        Self::Refused(refused)
    }
}

fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("cannot start the async runtime")
}

/// Sends `tracing` output to a file, never to the terminal.
fn init_log(path: Option<&Path>) -> Result<(), Refused> {
    let Some(path) = path else {
        return Ok(());
    };
    let file = std::fs::File::create(path)
        .map_err(|e| Refused(format!("cannot open the log file {}: {e}", path.display())))?;
    let _ = tracing_subscriber::fmt()
        .with_writer(std::sync::Mutex::new(file))
        .with_ansi(false)
        .try_init();
    Ok(())
}

/// `--theme` wins; otherwise `NO_COLOR` (any non-empty value) means mono.
fn resolve_theme(requested: Option<ThemeName>) -> ThemeName {
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    match (requested, no_color) {
        (Some(theme), _) => theme,
        (None, true) => ThemeName::Mono,
        (None, false) => ThemeName::Dark,
    }
}

/// The lessons to use, loaded once: the `--lessons` directory's, or the
/// built-in set. A directory with errors refuses the start, listing them all.
fn load_lessons(dir: Option<&Path>) -> Result<Arc<LessonSet>, Refused> {
    let Some(dir) = dir else {
        return Ok(Arc::new(LessonSet::builtin()));
    };
    LessonSet::load(dir).map(Arc::new).map_err(|errors| {
        let list: Vec<String> = errors.iter().map(ToString::to_string).collect();
        Refused(format!(
            "the lessons in {} have errors:\n{}",
            dir.display(),
            list.join("\n")
        ))
    })
}

fn tour(args: TourArgs) -> Result<(), Outcome> {
    if args.linear {
        return linear_tour(args);
    }
    if !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() {
        return Err(Refused(
            "the tutorial needs a terminal, but stdin or stdout is not a TTY; \
             try `pkce-tutor tour --linear` for plain lines, or `pkce-tutor transcript` \
             or `pkce-tutor render --stage 1` for text output"
                .into(),
        )
        .into());
    }
    let lessons = tour_lessons(&args)?;
    init_log(args.log.as_deref())?;
    let options = TourOptions {
        flow: args.flow,
        stage: args.stage,
        seed: args.seed,
        lessons,
        theme: resolve_theme(args.theme),
        notes: args.notes,
        port: args.port,
        edits: args.amend.edits(),
        autoplay: args.autoplay.map(std::time::Duration::from_secs),
        code_lifetime: Some(std::time::Duration::from_secs(args.code_lifetime)),
        publish_notes: args.publish_notes,
        registration: args.registration,
        browser: if args.browser {
            BrowserMode::Real
        } else {
            BrowserMode::Simulated
        },
    };
    runtime()?.block_on(tui::run(options))?;
    Ok(())
}

/// The tour's lessons, without their checkpoints under `--no-checkpoints`.
fn tour_lessons(args: &TourArgs) -> Result<Arc<LessonSet>, Refused> {
    let lessons = load_lessons(args.lessons.as_deref())?;
    Ok(if args.no_checkpoints {
        Arc::new(Arc::unwrap_or_clone(lessons).without_checkpoints())
    } else {
        lessons
    })
}

/// `tour --linear`: plain lines on any terminal or pipe; no TTY needed.
fn linear_tour(args: TourArgs) -> Result<(), Outcome> {
    let lessons = tour_lessons(&args)?;
    init_log(args.log.as_deref())?;
    let (mut store, warning) = Store::locate();
    if let Some(warning) = warning {
        eprintln!("pkce-tutor: warning: {warning}");
    }
    let options = LinearOptions {
        flow: args.flow,
        // The linear tour prints stage 0 in its header, before stage 1.
        stage: args.stage.map(tui::Opening::stage),
        seed: args.seed,
        port: args.port,
        edits: args.amend.edits(),
        lessons,
        notes: args.notes,
    };
    let runtime = runtime()?;
    linear::run(
        &options,
        &runtime,
        &mut store,
        std::io::stdin().lock(),
        std::io::stdout().lock(),
        std::io::stderr(),
    )?;
    Ok(())
}

/// `pkce-tutor progress [--reset]`. Trouble with the file is a warning:
/// showing progress exits 0 regardless; a reset that could not remove the
/// file exits 1.
fn progress(args: &ProgressArgs) -> ExitCode {
    let lessons = match load_lessons(args.lessons.as_deref()) {
        Ok(lessons) => lessons,
        Err(Refused(message)) => {
            eprintln!("pkce-tutor: {message}");
            return ExitCode::from(2);
        }
    };
    let (mut store, warning) = Store::locate();
    if let Some(warning) = warning {
        eprintln!("pkce-tutor: warning: {warning}");
    }
    let location = store
        .path()
        .map(|p| p.display().to_string())
        .unwrap_or_else(|| "nowhere: no state directory".to_owned());
    if args.reset {
        return match store.reset() {
            Ok(true) => {
                println!("Progress forgotten ({location}): the next tour starts afresh.");
                ExitCode::SUCCESS
            }
            Ok(false) => {
                println!("No saved progress to forget ({location}).");
                ExitCode::SUCCESS
            }
            Err(warning) => {
                eprintln!("pkce-tutor: warning: {warning}");
                ExitCode::FAILURE
            }
        };
    }
    let (progress, warning) = store.load();
    if let Some(warning) = warning {
        eprintln!("pkce-tutor: warning: {warning}");
    }
    println!("Saved progress: {location}");
    if progress.is_empty() {
        println!("Nothing saved yet: the tour starts at stage 1.");
    } else {
        let last = progress.last_screen.as_deref().and_then(Screen::from_key);
        let resume = last
            .and_then(Screen::flow)
            .and_then(|flow| resume_stage(&progress, flow).map(|stage| (flow, stage)));
        match (last, resume) {
            (_, Some((flow, stage))) => println!(
                "The tour resumes at stage {} of the flow {}{}.",
                stage.number(),
                flow.caption(),
                if flow == Flow::Plain {
                    " (with --flow plain)"
                } else {
                    ""
                }
            ),
            (Some(screen), None) => {
                println!("You were last on {screen}; the next tour starts at stage 1.");
            }
            (None, None) => {}
        }
    }
    print!(
        "{}",
        Summary::new(&progress, lessons.checkpoints()).to_text()
    );
    ExitCode::SUCCESS
}

fn serve(args: ServeArgs) -> Result<(), Outcome> {
    let issuer = serve_issuer(&args)?;
    init_log(args.log.as_deref())?;
    runtime()?.block_on(async {
        let listener = tokio::net::TcpListener::bind((args.bind, args.port))
            .await
            .with_context(|| format!("cannot listen on {}:{}", args.bind, args.port))?;
        // Lines wait here while stdout is slow; past 1,024 they are dropped
        // rather than slow the server down.
        let (request_log, lines) = if args.quiet {
            (None, None)
        } else {
            let (log, lines) = server::RequestLog::channel(1024);
            (Some(log), Some(lines))
        };
        let handle = server::spawn(
            listener,
            ServerConfig {
                policy: args.pkce,
                auto_approve: args.auto_approve,
                seed: args.seed,
                code_lifetime: std::time::Duration::from_secs(args.code_lifetime),
                allow_https_redirects: args.allow_https_redirects,
                issuer,
                request_log,
                ..ServerConfig::default()
            },
        )
        .await
        .context("cannot start the server")?;
        let stop = crate::shutdown::signal().context("cannot listen for SIGINT and SIGTERM")?;
        let issuer = handle.issuer().to_owned();
        let addr = handle.addr();
        if issuer == format!("http://{addr}") {
            println!("pkce-tutor authorization server: issuer {issuer}");
        } else {
            println!("pkce-tutor authorization server: issuer {issuer} (listening on {addr})");
        }
        println!("  metadata  {issuer}/.well-known/oauth-authorization-server");
        println!("  register  POST {issuer}/register");
        println!("  authorize GET  {issuer}/authorize");
        println!("  token     POST {issuer}/token");
        println!("  resource  GET  {issuer}/resource");
        println!("  mcp       POST {issuer}/mcp (MCP, Streamable HTTP)");
        println!(
            "  resource metadata {issuer}/.well-known/oauth-protected-resource/mcp, …/resource"
        );
        let policy = match args.pkce {
            server::PkcePolicy::Required => "PKCE required",
            server::PkcePolicy::Optional => "PKCE optional (the Step 04 server)",
            server::PkcePolicy::Lax => {
                "PKCE lax: INSECURE, for experiments only (plain accepted, no downgrade check)"
            }
        };
        println!(
            "{policy}, {}, codes live {} s; stop with Ctrl-C",
            if args.auto_approve {
                "auto-approve"
            } else {
                "consent page"
            },
            args.code_lifetime
        );
        if !args.bind.is_loopback() {
            eprintln!(
                "pkce-tutor: warning: listening on {}, not loopback",
                args.bind
            );
        }
        if let Some(lines) = lines {
            // A thread of its own: a blocked stdout stalls only this thread.
            std::thread::spawn(move || print_requests(&lines));
        }
        stop.await;
        handle.shutdown().await;
        anyhow::Ok(())
    })?;
    Ok(())
}

/// The issuer `serve` announces, or why it refuses to start: a seed makes
/// every secret predictable, so it is for loopback only; an unspecified
/// address (0.0.0.0, ::) names no URL a client could use, so it needs
/// `--issuer`; an issuer is an origin (RFC 8414 §2: no query, no fragment;
/// the endpoints here sit at the root, so no path either).
fn serve_issuer(args: &ServeArgs) -> Result<Option<String>, Refused> {
    if args.seed.is_some() && !args.bind.is_loopback() {
        return Err(Refused(format!(
            "--seed makes every client id, code and token predictable: it is refused with --bind {}, which is not loopback",
            args.bind
        )));
    }
    let Some(issuer) = &args.issuer else {
        if args.bind.is_unspecified() {
            return Err(Refused(format!(
                "--bind {} listens on every address, so the server cannot name its issuer: add --issuer URL, the URL clients use (e.g. http://192.168.1.20:8080)",
                args.bind
            )));
        }
        return Ok(None);
    };
    let refuse = |why: &str| Refused(format!("--issuer {issuer}: {why}"));
    let url = url::Url::parse(issuer).map_err(|e| refuse(&e.to_string()))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(refuse("the issuer must be an http or https URL"));
    }
    if url.path() != "/" || url.query().is_some() || url.fragment().is_some() {
        return Err(refuse(
            "the issuer must be scheme://host[:port], with no path, query or fragment (RFC 8414 section 2)",
        ));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(refuse("the issuer must not carry credentials"));
    }
    Ok(Some(url.origin().ascii_serialization()))
}

/// Prints the request log, a line per request, until the server is gone or
/// stdout is closed.
fn print_requests(lines: &std::sync::mpsc::Receiver<server::RequestLine>) {
    use std::io::Write as _;
    for line in lines {
        let mut out = std::io::stdout().lock();
        if writeln!(out, "{line}").and_then(|()| out.flush()).is_err() {
            break;
        }
    }
}

fn notes() -> Result<(), Outcome> {
    let path = crate::presenter::socket_path().ok_or_else(|| {
        Refused("no runtime or state directory for this user (is HOME set?)".into())
    })?;
    runtime()?.block_on(crate::presenter::run_notes(&path))?;
    Ok(())
}

fn challenge(verifier: &str) -> ExitCode {
    match CodeVerifier::parse(verifier) {
        Ok(verifier) => {
            println!("{}", derive_s256(&verifier).challenge);
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("pkce-tutor: invalid code_verifier: {error}");
            ExitCode::from(2)
        }
    }
}

fn transcript(args: TranscriptArgs) -> Result<(), Outcome> {
    let lessons = load_lessons(args.lessons.as_deref())?;
    // The MCP client's run: the discovery chain from /mcp and an MCP
    // session at stage 6. An attack is played against /resource, as the
    // attack lab shows it.
    let base = match args.attack {
        None => Scenario::mcp(args.flow),
        Some(_) => Scenario::new(args.flow),
    };
    let scenario = Scenario {
        attack: args.attack,
        seed: args.seed,
        edits: args.amend.edits(),
        port: args.port,
        registration: args.registration,
        ..base
    };
    let trace = runtime()?
        .block_on(run_flow(scenario.clone()))
        .map_err(anyhow::Error::from)?;
    warn_of_idle_drops(&scenario, &trace);
    let output = match args.format {
        Format::Text => transcript::to_text(&trace),
        Format::Json => transcript::to_json(&trace),
        Format::Markdown => {
            transcript::to_markdown(&trace, &lessons).map_err(anyhow::Error::from)?
        }
    };
    print!("{output}");
    if !output.ends_with('\n') {
        println!();
    }
    Ok(())
}

/// A `--drop` of a parameter the planned request did not carry changed
/// nothing: say so on stderr (the run went on untouched).
fn warn_of_idle_drops(scenario: &Scenario, trace: &crate::flow::Trace) {
    for (stage, edit) in &scenario.edits {
        let crate::flow::Edit::Drop { param } = edit else {
            continue;
        };
        let planned = trace
            .reached(*stage)
            .and_then(|r| r.http_step())
            .and_then(|s| s.planned.as_ref());
        match planned {
            Some(planned) if planned.param(param).is_none() => eprintln!(
                "pkce-tutor: warning: --drop {}:{param}: the request of stage {} carries no {param}; nothing dropped",
                stage.number(),
                stage.number()
            ),
            None => eprintln!(
                "pkce-tutor: warning: --drop {}:{param}: stage {} was not reached; nothing dropped",
                stage.number(),
                stage.number()
            ),
            Some(_) => {}
        }
    }
}

fn lessons_check(dir: &Path) -> ExitCode {
    let errors = check_dir(dir);
    for error in &errors {
        println!("{error}");
    }
    if errors.is_empty() {
        eprintln!("{}: no errors", dir.display());
        ExitCode::SUCCESS
    } else {
        eprintln!(
            "pkce-tutor: {} error{} in {}",
            errors.len(),
            if errors.len() == 1 { "" } else { "s" },
            dir.display()
        );
        ExitCode::FAILURE
    }
}

fn render(args: RenderArgs) -> Result<(), Outcome> {
    if args.step.is_some() && args.attack.is_none() && args.stage != Some(tui::Opening::Discovery) {
        return Err(Refused(
            "--step K picks a step of an attack (--attack NAME) or of stage 0 (--stage 0)".into(),
        )
        .into());
    }
    let lessons = load_lessons(args.lessons.as_deref())?;
    let options = RenderOptions {
        // The summary follows stage 6; the help opens over stage 1; with
        // --attack the stage is not shown: the stepped flow starts at 1.
        stage: args.stage.unwrap_or(match args.screen {
            Some(RenderScreen::Summary) => tui::Opening::Stage(Stage::Verification),
            Some(RenderScreen::Intro | RenderScreen::Help) | None => {
                tui::Opening::Stage(Stage::Verifier)
            }
        }),
        registration: args.registration,
        step: args.step.unwrap_or(1),
        screen: args.screen,
        flow: args.flow,
        contrast: args.contrast,
        size: args.size,
        seed: args.seed,
        lessons,
        theme: resolve_theme(args.theme),
        format: args.format,
        port: args.port,
        wire: args.wire,
        edits: args.amend.edits(),
        attack: args.attack,
    };
    let screen = runtime()?
        .block_on(tui::render(&options))
        .map_err(|error| match error.downcast::<tui::StepOutOfRange>() {
            Ok(out_of_range) => Outcome::Refused(Refused(out_of_range.to_string())),
            Err(error) => Outcome::Failed(error),
        })?;
    print!("{screen}");
    if !screen.ends_with('\n') {
        println!();
    }
    Ok(())
}
