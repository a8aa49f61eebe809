//! The command line (clap derive): the tutorial and the headless commands of
//! the contract in DESIGN.md.

use std::net::IpAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::flow::{Attack, Edit, Flow, Registration, Stage};
use crate::server::PkcePolicy;
use crate::tui::{Opening, RenderFormat, RenderScreen, ThemeName};

/// See how PKCE works: a real OAuth client and a real authorization server,
/// side by side in your terminal.
#[derive(Debug, Parser)]
#[command(
    name = "pkce-tutor",
    version,
    about,
    args_conflicts_with_subcommands = true
)]
pub struct Cli {
    /// What to do; the tutorial when absent.
    #[command(subcommand)]
    pub command: Option<Command>,
    /// Options of the tutorial, when no command is given.
    #[command(flatten)]
    pub tour: TourArgs,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// The interactive tutorial (the default).
    Tour(TourArgs),
    /// Run the authorization server alone, for curl or any OAuth client.
    Serve(ServeArgs),
    /// Print the S256 code_challenge of a code_verifier.
    Challenge(ChallengeArgs),
    /// Run the real flow without a terminal UI and print every stage.
    Transcript(TranscriptArgs),
    /// Lesson files.
    Lessons {
        /// What to do with them.
        #[command(subcommand)]
        command: LessonsCommand,
    },
    /// Print the tutorial's screen for one stage as text.
    Render(RenderArgs),
    /// Show your saved progress: screens seen, checkpoints answered and
    /// missed, where the tour resumes.
    Progress(ProgressArgs),
    /// The presenter's view for a second terminal: follows a tour started
    /// with --publish-notes on this machine (its screen, the instructor
    /// notes, the next screen).
    Notes,
}

/// Options of `progress`.
#[derive(Debug, Args)]
pub struct ProgressArgs {
    /// Forget the saved progress: the next tour starts afresh.
    #[arg(long)]
    pub reset: bool,
    /// Read the checkpoints from this lesson directory.
    #[arg(long, value_name = "DIR")]
    pub lessons: Option<PathBuf>,
}

/// `pkce-tutor lessons …`.
#[derive(Debug, Subcommand)]
pub enum LessonsCommand {
    /// Validate a lesson directory: print every error as FILE:LINE: message.
    Check {
        /// The directory of lesson files.
        dir: PathBuf,
    },
}

/// Parses a stage number, 1 to 6.
/// Parses `--stage` of the tour and `render`: 0 (discovery and
/// registration) to 6.
fn parse_opening(text: &str) -> Result<Opening, String> {
    match text.parse::<u8>() {
        Ok(0) => Ok(Opening::Discovery),
        Ok(n) => Stage::from_number(n)
            .map(Opening::Stage)
            .ok_or_else(|| format!("the stage is a number from 0 to 6, not {text:?}")),
        Err(_) => Err(format!("the stage is a number from 0 to 6, not {text:?}")),
    }
}

/// Parses `STAGE:REST` where STAGE is a stage whose request can be amended
/// from the command line: 3 (the authorization request) or 5 (the token
/// request).
fn amended_stage<'a>(option: &str, text: &'a str) -> Result<(Stage, &'a str), String> {
    let (stage, rest) = text.split_once(':').ok_or_else(|| {
        format!("{option} takes STAGE:PARAM (e.g. 5:code_verifier), and {text:?} has no ':'")
    })?;
    let stage = match stage {
        "3" => Stage::AuthorizationRequest,
        "5" => Stage::TokenRequest,
        other => {
            return Err(format!(
                "{option}: the stage is 3 (authorization request) or 5 (token request), not {other:?}"
            ));
        }
    };
    Ok((stage, rest))
}

/// Parses `--set STAGE:PARAM=VALUE` (split at the first `=`).
fn parse_set(text: &str) -> Result<(Stage, Edit), String> {
    let (stage, rest) = amended_stage("--set", text)?;
    let (param, value) = rest.split_once('=').ok_or_else(|| {
        format!("--set takes STAGE:PARAM=VALUE (e.g. 5:code_verifier=abc), and {text:?} has no '='")
    })?;
    if param.is_empty() {
        return Err(format!("--set {text:?} names no parameter before '='"));
    }
    Ok((
        stage,
        Edit::Set {
            param: param.to_owned(),
            value: value.to_owned(),
        },
    ))
}

/// Parses `--drop STAGE:PARAM`.
fn parse_drop(text: &str) -> Result<(Stage, Edit), String> {
    let (stage, param) = amended_stage("--drop", text)?;
    if param.is_empty() {
        return Err(format!("--drop {text:?} names no parameter after ':'"));
    }
    Ok((
        stage,
        Edit::Drop {
            param: param.to_owned(),
        },
    ))
}

/// Amending the requests of a run from the command line.
#[derive(Debug, Args, Clone, Default)]
pub struct AmendArgs {
    /// Send the request of stage 3 or 5 with PARAM set to VALUE (added if the
    /// request lacks it); the last --set of a parameter wins.
    #[arg(long = "set", value_name = "STAGE:PARAM=VALUE", value_parser = parse_set)]
    pub set: Vec<(Stage, Edit)>,
    /// Send the request of stage 3 or 5 without PARAM (applied after --set).
    #[arg(long = "drop", value_name = "STAGE:PARAM", value_parser = parse_drop)]
    pub drop: Vec<(Stage, Edit)>,
}

impl AmendArgs {
    /// The edits in the order they apply: every --set, then every --drop.
    pub fn edits(&self) -> Vec<(Stage, Edit)> {
        self.set.iter().chain(&self.drop).cloned().collect()
    }
}

/// Options of the tutorial.
#[derive(Debug, Args, Clone)]
pub struct TourArgs {
    /// The flow to show first.
    #[arg(long, value_enum, default_value = "pkce")]
    pub flow: Flow,
    /// The stage to open at: 0 (how the MCP client finds the server and
    /// gets a client_id) to 6; without it the tour resumes where you
    /// stopped last time, or opens at stage 1.
    #[arg(long, value_parser = parse_opening)]
    pub stage: Option<Opening>,
    /// Derive every random value from this seed (reproducible demos).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Load the lessons from this directory instead of the built-in ones.
    #[arg(long, value_name = "DIR")]
    pub lessons: Option<PathBuf>,
    /// Colours: dark, light (projectors) or mono (also chosen by NO_COLOR).
    #[arg(long, value_enum)]
    pub theme: Option<ThemeName>,
    /// Write logs to this file (never to the screen).
    #[arg(long, value_name = "FILE")]
    pub log: Option<PathBuf>,
    /// Show the instructor notes of each lesson.
    #[arg(long)]
    pub notes: bool,
    /// Serve the flow on this port of 127.0.0.1 (other runs take the next
    /// ports), so an audience can reach a fixed address.
    #[arg(long)]
    pub port: Option<u16>,
    /// Amendments of the requests.
    #[command(flatten)]
    pub amend: AmendArgs,
    /// The tour as plain lines, for screen readers, dumb terminals and
    /// pipes: no full-screen display, no drawing characters, no colour; Enter
    /// for the next screen, p previous, a number to jump, q to quit.
    #[arg(long)]
    pub linear: bool,
    /// Ask no checkpoint questions.
    #[arg(long)]
    pub no_checkpoints: bool,
    /// Move to the next screen every SECONDS (s stops and starts it); it
    /// pauses where the learner must act.
    #[arg(long, value_name = "SECONDS",
          value_parser = clap::value_parser!(u64).range(1..=3_600))]
    pub autoplay: Option<u64>,
    /// How long an authorization code lives, in seconds (1 to 86400): a long
    /// pause at stage 4 need not expire it.
    #[arg(long, value_name = "SECONDS", default_value_t = 600,
          value_parser = clap::value_parser!(u64).range(1..=86_400))]
    pub code_lifetime: u64,
    /// Tell a second terminal what is on screen: run `pkce-tutor notes`
    /// there to see the instructor notes (off the audience's screen).
    #[arg(long)]
    pub publish_notes: bool,
    /// How the MCP client gets its client_id: the URL of a metadata document
    /// it serves on loopback (cimd, what the current MCP revision prefers
    /// when the server offers it) or dynamic registration (dcr).
    #[arg(long, value_enum, default_value = "cimd")]
    pub registration: Registration,
    /// Use your own browser at stages 3 and 4: the tour shows the
    /// authorization URL and tries to open it ($BROWSER, xdg-open, open);
    /// you approve there, and the browser comes back to the client's
    /// loopback listener. Esc lets the simulated browser do it instead.
    #[arg(long)]
    pub browser: bool,
}

/// Options of `serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// The address to listen on.
    #[arg(long, default_value = "127.0.0.1")]
    pub bind: IpAddr,
    /// The port; 0 picks a free one.
    #[arg(long, default_value_t = 0)]
    pub port: u16,
    /// The issuer identifier clients use, e.g. http://192.168.1.20:8080, when
    /// bound to a non-loopback address (required with 0.0.0.0 or ::).
    #[arg(long, value_name = "URL")]
    pub issuer: Option<String>,
    /// Approve every valid authorization request without a consent page.
    #[arg(long)]
    pub auto_approve: bool,
    /// Whether an authorization request must carry a code_challenge. `lax`
    /// is INSECURE (plain accepted, no downgrade check): for experiments only.
    #[arg(long, value_enum, default_value = "required")]
    pub pkce: PkcePolicy,
    /// Derive client ids, codes and tokens from this seed (loopback only:
    /// seeded secrets are predictable).
    #[arg(long)]
    pub seed: Option<u64>,
    /// How long an authorization code lives, in seconds (1 to 86400).
    #[arg(long, value_name = "SECONDS", default_value_t = 600,
          value_parser = clap::value_parser!(u64).range(1..=86_400))]
    pub code_lifetime: u64,
    /// Let clients register https redirect URIs on any host (by default only
    /// loopback http and private-use schemes such as com.example.app:/cb).
    #[arg(long)]
    pub allow_https_redirects: bool,
    /// Do not print a line per request.
    #[arg(long, short)]
    pub quiet: bool,
    /// Write logs to this file.
    #[arg(long, value_name = "FILE")]
    pub log: Option<PathBuf>,
}

/// Options of `challenge`.
#[derive(Debug, Args)]
pub struct ChallengeArgs {
    /// The code_verifier: 43 to 128 characters of A-Z a-z 0-9 - . _ ~
    /// (it may start with `-`, an unreserved character).
    #[arg(allow_hyphen_values = true)]
    pub verifier: String,
}

/// Output formats of `transcript`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Plain text.
    Text,
    /// Markdown, with the lesson of each stage.
    Markdown,
    /// JSON.
    Json,
}

/// Options of `transcript`.
#[derive(Debug, Args)]
pub struct TranscriptArgs {
    /// The flow to run.
    #[arg(long, value_enum, default_value = "pkce")]
    pub flow: Flow,
    /// Replay an attack after stage 4.
    #[arg(long, value_enum)]
    pub attack: Option<Attack>,
    /// The output format.
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
    /// Derive every random value from this seed.
    #[arg(long)]
    pub seed: Option<u64>,
    /// Load the lessons from this directory (Markdown format).
    #[arg(long, value_name = "DIR")]
    pub lessons: Option<PathBuf>,
    /// Serve the flow on this port of 127.0.0.1.
    #[arg(long)]
    pub port: Option<u16>,
    /// How the MCP client gets its client_id: the URL of a metadata document
    /// it serves on loopback (cimd, what the current MCP revision prefers
    /// when the server offers it) or dynamic registration (dcr).
    #[arg(long, value_enum, default_value = "cimd")]
    pub registration: Registration,
    /// Amendments of the requests.
    #[command(flatten)]
    pub amend: AmendArgs,
}

/// Parses `WxH`.
fn parse_size(text: &str) -> Result<(u16, u16), String> {
    let (w, h) = text
        .split_once(['x', 'X'])
        .ok_or_else(|| format!("the size is WIDTHxHEIGHT, e.g. 120x40, not {text:?}"))?;
    let parse = |n: &str| {
        n.parse::<u16>()
            .ok()
            .filter(|n| (1..=1000).contains(n))
            .ok_or_else(|| format!("{n:?} is not a size from 1 to 1000 in {text:?}"))
    };
    Ok((parse(w)?, parse(h)?))
}

/// Options of `render`.
#[derive(Debug, Args)]
pub struct RenderArgs {
    /// The stage to draw (0-6); not needed with --screen or --attack.
    #[arg(long, value_parser = parse_opening, required_unless_present_any = ["screen", "attack"])]
    pub stage: Option<Opening>,
    /// Draw a screen other than a stage: the introduction (before stage 1),
    /// the end summary (of a tour that stepped through every stage and
    /// answered no checkpoint) or the help.
    #[arg(long, value_enum, conflicts_with = "attack")]
    pub screen: Option<RenderScreen>,
    /// Draw a step of this attack of the attack lab, both sides of it.
    #[arg(long, value_enum, conflicts_with_all = ["contrast", "wire"])]
    pub attack: Option<Attack>,
    /// The step to draw, from 1 (the default): of the attack, or of stage
    /// 0's requests.
    #[arg(long, value_name = "K")]
    pub step: Option<usize>,
    /// The flow to draw.
    #[arg(long, value_enum, default_value = "pkce")]
    pub flow: Flow,
    /// Draw the side-by-side contrast with the other flow.
    #[arg(long)]
    pub contrast: bool,
    /// The screen size, WIDTHxHEIGHT.
    #[arg(long, value_parser = parse_size, default_value = "120x40")]
    pub size: (u16, u16),
    /// Derive every random value from this seed.
    #[arg(long)]
    pub seed: Option<u64>,
    /// Load the lessons from this directory.
    #[arg(long, value_name = "DIR")]
    pub lessons: Option<PathBuf>,
    /// The theme (its colours show with --format ansi).
    #[arg(long, value_enum)]
    pub theme: Option<ThemeName>,
    /// text: the characters only; ansi: with the theme's colours and
    /// attributes as SGR escape sequences.
    #[arg(long, value_enum, default_value = "text")]
    pub format: RenderFormat,
    /// Serve the flow on this port of 127.0.0.1 (other runs take the next
    /// ports): with --seed the output is the same on every run.
    #[arg(long)]
    pub port: Option<u16>,
    /// Draw the wire view: the raw HTTP of the stage.
    #[arg(long)]
    pub wire: bool,
    /// How the MCP client gets its client_id (see `tour --help`).
    #[arg(long, value_enum, default_value = "cimd")]
    pub registration: Registration,
    /// Amendments of the requests.
    #[command(flatten)]
    pub amend: AmendArgs,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_command_line_is_well_formed() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }

    #[test]
    fn sizes_and_stages_parse() {
        assert_eq!(parse_size("80x24"), Ok((80, 24)));
        assert!(parse_size("80").is_err());
        assert!(parse_size("0x24").is_err());
        assert_eq!(parse_opening("6"), Ok(Opening::Stage(Stage::Verification)));
        assert_eq!(parse_opening("0"), Ok(Opening::Discovery));
        assert!(parse_opening("7").is_err());
        assert!(parse_opening("-1").is_err());
    }

    #[test]
    fn amendments_parse_and_name_the_problem() {
        assert_eq!(
            parse_set("5:code_verifier=a=b"),
            Ok((
                Stage::TokenRequest,
                Edit::Set {
                    param: "code_verifier".into(),
                    value: "a=b".into()
                }
            ))
        );
        assert_eq!(
            parse_drop("3:code_challenge"),
            Ok((
                Stage::AuthorizationRequest,
                Edit::Drop {
                    param: "code_challenge".into()
                }
            ))
        );
        assert!(
            parse_set("4:code=x")
                .unwrap_err()
                .contains("3 (authorization request) or 5")
        );
        assert!(parse_set("5code=x").unwrap_err().contains("no ':'"));
        assert!(parse_set("5:code").unwrap_err().contains("no '='"));
        assert!(parse_set("5:=x").unwrap_err().contains("no parameter"));
        assert!(parse_drop("5:").unwrap_err().contains("no parameter"));
    }
}
