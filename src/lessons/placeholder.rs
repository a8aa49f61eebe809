//! The placeholder vocabulary: which `{{name}}` exists, where it can be
//! filled (checked statically from a lesson's stage, flow and attack), and
//! how its value is read from a recorded [`Trace`]. The table in the parent
//! module's documentation mirrors [`Placeholder::ALL`] and [`availability`].

use std::ops::Range;

use pulldown_cmark::{Event, Options, Parser, Tag};

use super::{Lesson, LessonError};
use crate::flow::{Attack, Flow, Stage, StageRecord, Trace};
use crate::record::{PkceCheck, ServerEvent, StoredCode};
use crate::wire::HttpResponse;

/// A value a lesson can name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Placeholder {
    /// `{{issuer}}`
    Issuer,
    /// `{{client_id}}`
    ClientId,
    /// `{{redirect_uri}}`
    RedirectUri,
    /// `{{resource}}`
    Resource,
    /// `{{random_octets_hex}}`
    RandomOctetsHex,
    /// `{{code_verifier}}`
    CodeVerifier,
    /// `{{sha256_hex}}`
    Sha256Hex,
    /// `{{code_challenge}}`
    CodeChallenge,
    /// `{{code_challenge_method}}`
    CodeChallengeMethod,
    /// `{{state}}`
    State,
    /// `{{authorization_url}}`
    AuthorizationUrl,
    /// `{{code}}`
    Code,
    /// `{{iss}}`
    Iss,
    /// `{{code_lifetime_secs}}`
    CodeLifetimeSecs,
    /// `{{stored_challenge}}`
    StoredChallenge,
    /// `{{stored_challenge_method}}`
    StoredChallengeMethod,
    /// `{{token_response}}`
    TokenResponse,
    /// `{{server_code_verifier}}`
    ServerCodeVerifier,
    /// `{{server_sha256_hex}}`
    ServerSha256Hex,
    /// `{{computed_challenge}}`
    ComputedChallenge,
    /// `{{pkce_verdict}}`
    PkceVerdict,
    /// `{{access_token}}`
    AccessToken,
    /// `{{expires_in}}`
    ExpiresIn,
    /// `{{attack_request}}`
    AttackRequest,
    /// `{{attack_code}}`
    AttackCode,
    /// `{{attack_response}}`
    AttackResponse,
    /// `{{attack_error}}`
    AttackError,
    /// `{{attack_code_verifier}}`
    AttackCodeVerifier,
    /// `{{stolen_access_token}}`
    StolenAccessToken,
}

/// Where a placeholder has a value in every run.
#[derive(Debug, Clone, Copy)]
enum Availability {
    /// In every lesson.
    Always,
    /// From this stage on, in both flows.
    FromStage(Stage),
    /// From this stage on, in the PKCE flow only.
    PkceFromStage(Stage),
    /// Only in an attack lesson, for these (attack, flow) pairs.
    Attack(&'static [(Attack, Flow)]),
}

const ANY_ATTACK: &[(Attack, Flow)] = &[
    (Attack::Interception, Flow::Pkce),
    (Attack::Interception, Flow::Plain),
    (Attack::Downgrade, Flow::Pkce),
    (Attack::Downgrade, Flow::Plain),
];

impl Placeholder {
    /// Every placeholder, in the order of the documented table.
    pub const ALL: [Placeholder; 29] = [
        Self::Issuer,
        Self::ClientId,
        Self::RedirectUri,
        Self::Resource,
        Self::RandomOctetsHex,
        Self::CodeVerifier,
        Self::Sha256Hex,
        Self::CodeChallenge,
        Self::CodeChallengeMethod,
        Self::State,
        Self::AuthorizationUrl,
        Self::Code,
        Self::Iss,
        Self::CodeLifetimeSecs,
        Self::StoredChallenge,
        Self::StoredChallengeMethod,
        Self::TokenResponse,
        Self::ServerCodeVerifier,
        Self::ServerSha256Hex,
        Self::ComputedChallenge,
        Self::PkceVerdict,
        Self::AccessToken,
        Self::ExpiresIn,
        Self::AttackRequest,
        Self::AttackCode,
        Self::AttackResponse,
        Self::AttackError,
        Self::AttackCodeVerifier,
        Self::StolenAccessToken,
    ];

    /// The name written between `{{` and `}}`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Issuer => "issuer",
            Self::ClientId => "client_id",
            Self::RedirectUri => "redirect_uri",
            Self::Resource => "resource",
            Self::RandomOctetsHex => "random_octets_hex",
            Self::CodeVerifier => "code_verifier",
            Self::Sha256Hex => "sha256_hex",
            Self::CodeChallenge => "code_challenge",
            Self::CodeChallengeMethod => "code_challenge_method",
            Self::State => "state",
            Self::AuthorizationUrl => "authorization_url",
            Self::Code => "code",
            Self::Iss => "iss",
            Self::CodeLifetimeSecs => "code_lifetime_secs",
            Self::StoredChallenge => "stored_challenge",
            Self::StoredChallengeMethod => "stored_challenge_method",
            Self::TokenResponse => "token_response",
            Self::ServerCodeVerifier => "server_code_verifier",
            Self::ServerSha256Hex => "server_sha256_hex",
            Self::ComputedChallenge => "computed_challenge",
            Self::PkceVerdict => "pkce_verdict",
            Self::AccessToken => "access_token",
            Self::ExpiresIn => "expires_in",
            Self::AttackRequest => "attack_request",
            Self::AttackCode => "attack_code",
            Self::AttackResponse => "attack_response",
            Self::AttackError => "attack_error",
            Self::AttackCodeVerifier => "attack_code_verifier",
            Self::StolenAccessToken => "stolen_access_token",
        }
    }

    /// The placeholder called `name`.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.name() == name)
    }

    fn availability(self) -> Availability {
        use Availability::*;
        match self {
            Self::Issuer | Self::ClientId => Always,
            Self::RedirectUri | Self::Resource => FromStage(Stage::Verifier),
            Self::RandomOctetsHex | Self::CodeVerifier => PkceFromStage(Stage::Verifier),
            Self::Sha256Hex | Self::CodeChallenge | Self::CodeChallengeMethod => {
                PkceFromStage(Stage::Challenge)
            }
            Self::State | Self::AuthorizationUrl => FromStage(Stage::AuthorizationRequest),
            Self::Code | Self::Iss | Self::CodeLifetimeSecs => FromStage(Stage::CodeIssued),
            Self::StoredChallenge | Self::StoredChallengeMethod => PkceFromStage(Stage::CodeIssued),
            Self::TokenResponse => FromStage(Stage::TokenRequest),
            Self::ServerCodeVerifier
            | Self::ServerSha256Hex
            | Self::ComputedChallenge
            | Self::PkceVerdict
            | Self::AccessToken
            | Self::ExpiresIn => PkceFromStage(Stage::Verification),
            Self::AttackRequest | Self::AttackResponse => Attack(ANY_ATTACK),
            // In the PKCE flow the downgrade is refused at the authorization
            // endpoint: no code, no verifier.
            Self::AttackCode => Attack(&[
                (crate::flow::Attack::Interception, Flow::Pkce),
                (crate::flow::Attack::Interception, Flow::Plain),
                (crate::flow::Attack::Downgrade, Flow::Plain),
            ]),
            Self::AttackError => Attack(&[
                (crate::flow::Attack::Interception, Flow::Pkce),
                (crate::flow::Attack::Downgrade, Flow::Pkce),
                (crate::flow::Attack::Downgrade, Flow::Plain),
            ]),
            // The interceptor invents one in the PKCE flow; the victim sends
            // its own with the injected code in the downgrade.
            Self::AttackCodeVerifier => Attack(&[
                (crate::flow::Attack::Interception, Flow::Pkce),
                (crate::flow::Attack::Downgrade, Flow::Plain),
            ]),
            Self::StolenAccessToken => Attack(&[(crate::flow::Attack::Interception, Flow::Plain)]),
        }
    }

    /// Whether every run shown with (`flow`, `stage`, `attack`) has a value;
    /// otherwise why not.
    fn available(
        self,
        flow: Flow,
        stage: Option<Stage>,
        attack: Option<Attack>,
    ) -> Result<(), String> {
        let from = |first: Stage| match stage {
            Some(s) if s >= first => Ok(()),
            Some(s) => Err(format!(
                "it exists from stage {} on, and this is stage {}",
                first.number(),
                s.number()
            )),
            None => Err(format!(
                "it exists from stage {} on, and this lesson has no stage",
                first.number()
            )),
        };
        match self.availability() {
            Availability::Always => Ok(()),
            Availability::FromStage(first) => from(first),
            Availability::PkceFromStage(first) => {
                if flow == Flow::Pkce {
                    from(first)
                } else {
                    Err(
                        "it exists only in the pkce flow, and this is shown in the plain flow"
                            .to_owned(),
                    )
                }
            }
            Availability::Attack(pairs) => match attack {
                Some(a) if pairs.contains(&(a, flow)) => Ok(()),
                Some(a) => Err(format!(
                    "the {} attack in the {} flow does not produce it",
                    a.name(),
                    flow.name()
                )),
                None => Err("it exists only in an attack lesson".to_owned()),
            },
        }
    }

    /// The value recorded in the run, or why there is none.
    pub(super) fn value(self, ctx: &FillContext<'_>) -> Result<String, String> {
        self.available(ctx.trace.flow, ctx.stage, ctx.attack)?;
        let missing = || format!("the {} run recorded none", ctx.trace.flow.name());
        let value = match self {
            Self::Issuer => Some(ctx.trace.issuer.clone()),
            Self::ClientId => ctx.client_id(),
            Self::RedirectUri => Some(ctx.record()?.client.redirect_uri.clone()),
            Self::Resource => Some(ctx.record()?.client.resource.clone()),
            Self::RandomOctetsHex => ctx.record()?.client.random_octets_hex.clone(),
            Self::CodeVerifier => ctx.record()?.client.code_verifier.clone(),
            Self::Sha256Hex => ctx.record()?.client.sha256_hex.clone(),
            Self::CodeChallenge => ctx.record()?.client.code_challenge.clone(),
            Self::CodeChallengeMethod => ctx.record()?.client.code_challenge_method.clone(),
            Self::State => ctx.record()?.client.state.clone(),
            Self::AuthorizationUrl => ctx.record()?.client.authorization_url.clone(),
            Self::Code => ctx.record()?.client.code.clone(),
            Self::Iss => ctx.record()?.client.iss.clone(),
            Self::CodeLifetimeSecs => ctx.stored_code()?.map(|c| c.lifetime_secs.to_string()),
            Self::StoredChallenge => ctx.stored_code()?.and_then(|c| c.code_challenge.clone()),
            Self::StoredChallengeMethod => ctx
                .stored_code()?
                .and_then(|c| c.code_challenge_method.clone()),
            Self::TokenResponse => ctx.token_response()?.map(compact_response),
            Self::ServerCodeVerifier => ctx.pkce_check()?.and_then(|c| c.code_verifier.clone()),
            Self::ServerSha256Hex => ctx.pkce_check()?.and_then(|c| c.sha256_hex.clone()),
            Self::ComputedChallenge => ctx.pkce_check()?.and_then(|c| c.computed_challenge.clone()),
            Self::PkceVerdict => ctx.pkce_check()?.and_then(|c| {
                serde_json::to_value(c.verdict)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_owned))
            }),
            Self::AccessToken => ctx.record()?.client.access_token.clone(),
            Self::ExpiresIn => ctx.expires_in()?,
            Self::AttackRequest => Some(ctx.attack()?.decisive.request.summary()),
            Self::AttackCode => ctx
                .attack()?
                .decisive
                .request
                .param("code")
                .map(str::to_owned),
            Self::AttackResponse => Some(compact_response(&ctx.attack()?.decisive.response)),
            Self::AttackError => response_error(&ctx.attack()?.decisive.response),
            Self::AttackCodeVerifier => ctx
                .attack()?
                .decisive
                .request
                .param("code_verifier")
                .map(str::to_owned),
            Self::StolenAccessToken => ctx.attack()?.stolen_access_token.clone(),
        };
        value.filter(|v| !v.is_empty()).ok_or_else(missing)
    }
}

/// What a fill reads from.
pub(super) struct FillContext<'a> {
    pub(super) trace: &'a Trace,
    /// The stage whose values are shown (stage 4 for an attack lesson).
    pub(super) stage: Option<Stage>,
    pub(super) attack: Option<Attack>,
}

impl FillContext<'_> {
    fn record(&self) -> Result<&StageRecord, String> {
        let stage = self.stage.ok_or("the lesson has no stage")?;
        self.trace
            .stage(stage)
            .ok_or_else(|| format!("stage {} has not run yet", stage.number()))
    }

    /// The records of every stage up to this one, in order.
    fn records(&self) -> Result<impl Iterator<Item = &StageRecord>, String> {
        let last = self.record()?.stage;
        Ok(self.trace.stages.iter().filter(move |r| r.stage <= last))
    }

    fn events(&self) -> Result<impl Iterator<Item = &ServerEvent>, String> {
        Ok(self.records()?.flat_map(StageRecord::server_events))
    }

    fn client_id(&self) -> Option<String> {
        if let Some(record) = self.stage.and_then(|s| self.trace.stage(s)) {
            return Some(record.client.client_id.clone());
        }
        if let Some(record) = self.trace.stages.first() {
            return Some(record.client.client_id.clone());
        }
        self.trace
            .setup_exchanges()
            .rev()
            .find_map(|e| e.response.json_str("client_id"))
    }

    /// The code the client holds, to pick the server's events about it.
    fn own_code(&self) -> Option<String> {
        self.record().ok()?.client.code.clone()
    }

    fn stored_code(&self) -> Result<Option<&StoredCode>, String> {
        let own = self.own_code();
        let stored: Vec<&StoredCode> = self
            .events()?
            .filter_map(|e| match e {
                ServerEvent::CodeIssued(c) => Some(c),
                _ => None,
            })
            .collect();
        Ok(stored
            .iter()
            .rev()
            .find(|c| Some(&c.code) == own.as_ref())
            .or(stored.last())
            .copied())
    }

    fn pkce_check(&self) -> Result<Option<&PkceCheck>, String> {
        let own = self.own_code();
        let checks: Vec<&PkceCheck> = self
            .events()?
            .filter_map(|e| match e {
                ServerEvent::PkceChecked(c) => Some(c),
                _ => None,
            })
            .collect();
        Ok(checks
            .iter()
            .rev()
            .find(|c| Some(&c.code) == own.as_ref())
            .or(checks.last())
            .copied())
    }

    fn token_response(&self) -> Result<Option<&HttpResponse>, String> {
        Ok(self
            .records()?
            .flat_map(StageRecord::exchanges)
            .filter(|e| e.request.method == "POST" && e.request.summary().ends_with("/token"))
            .map(|e| &e.response)
            .last())
    }

    fn expires_in(&self) -> Result<Option<String>, String> {
        let from_event = self.events()?.find_map(|e| match e {
            ServerEvent::TokenIssued { expires_in, .. } => Some(expires_in.to_string()),
            _ => None,
        });
        Ok(from_event.or_else(|| {
            let response = self.token_response().ok()??;
            let value = response.json()?.get("expires_in")?.as_u64()?;
            Some(value.to_string())
        }))
    }

    fn attack(&self) -> Result<&crate::flow::AttackRecord, String> {
        let wanted = self.attack.ok_or("the lesson is not an attack lesson")?;
        match &self.trace.attack {
            Some(record) if record.attack == wanted => Ok(record),
            _ => Err(format!("the run played no {} attack", wanted.name())),
        }
    }
}

/// The OAuth error of a response: a JSON `error`, or the `error` parameter of
/// a redirect.
fn response_error(response: &HttpResponse) -> Option<String> {
    response.json_str("error").or_else(|| {
        response
            .location_params()
            .into_iter()
            .find(|p| p.name == "error")
            .map(|p| p.value)
    })
}

/// A response in one line: `400 error=invalid_grant`, `200
/// access_token=…`, `302 code=…`, or the bare status.
fn compact_response(response: &HttpResponse) -> String {
    let status = response.status;
    if let Some(error) = response_error(response) {
        return format!("{status} error={error}");
    }
    if let Some(token) = response.json_str("access_token") {
        return format!("{status} access_token={token}");
    }
    if let Some(code) = response
        .location_params()
        .into_iter()
        .find(|p| p.name == "code")
    {
        return format!("{status} code={}", code.value);
    }
    status.to_string()
}

/// A piece of a lesson body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Token<'a> {
    /// Text to keep as it is.
    Text(&'a str),
    /// A known placeholder.
    Placeholder {
        which: Placeholder,
        line: usize,
        range: Range<usize>,
    },
    /// `{{name}}` with a name not in the vocabulary.
    Unknown { name: &'a str, line: usize },
    /// `{{` with no `}}` on the same line.
    Unclosed { line: usize },
}

/// Splits `body` (whose first line is file line `body_line`) into text and
/// placeholders.
pub(super) fn scan(body: &str, body_line: usize) -> Vec<Token<'_>> {
    let mut tokens = Vec::new();
    let mut pos = 0;
    let line_of = |at: usize| body_line + body[..at].matches('\n').count();
    while let Some(found) = body[pos..].find("{{") {
        let open = pos + found;
        if open > pos {
            tokens.push(Token::Text(&body[pos..open]));
        }
        let inner_start = open + 2;
        let line_end = body[inner_start..]
            .find('\n')
            .map_or(body.len(), |i| inner_start + i);
        match body[inner_start..line_end].find("}}") {
            None => {
                tokens.push(Token::Unclosed {
                    line: line_of(open),
                });
                tokens.push(Token::Text(&body[open..inner_start]));
                pos = inner_start;
            }
            Some(i) => {
                let close = inner_start + i + 2;
                let name = body[inner_start..inner_start + i].trim();
                let line = line_of(open);
                tokens.push(match Placeholder::from_name(name) {
                    Some(which) => Token::Placeholder {
                        which,
                        line,
                        range: open..close,
                    },
                    None => Token::Unknown { name, line },
                });
                pos = close;
            }
        }
    }
    if pos < body.len() {
        tokens.push(Token::Text(&body[pos..]));
    }
    tokens
}

/// Every static problem of a lesson's placeholders.
pub(super) fn check(lesson: &Lesson) -> Vec<LessonError> {
    let code_ranges = code_ranges(&lesson.body);
    let stage = lesson.stage.or(lesson.attack.map(|_| Stage::CodeIssued));
    let mut errors = Vec::new();
    for token in scan(&lesson.body, lesson.body_line) {
        match token {
            Token::Text(_) => {}
            Token::Unclosed { line } => errors.push(LessonError::new(
                &lesson.file,
                line,
                "`{{` without a closing `}}` on the same line",
            )),
            Token::Unknown { name, line } => errors.push(LessonError::new(
                &lesson.file,
                line,
                format!("unknown placeholder `{{{{{name}}}}}`"),
            )),
            Token::Placeholder { which, line, range } => {
                for &flow in lesson.flow.flows() {
                    if let Err(why) = which.available(flow, stage, lesson.attack) {
                        errors.push(LessonError::new(
                            &lesson.file,
                            line,
                            format!(
                                "placeholder `{{{{{}}}}}` cannot be filled here: {why}",
                                which.name()
                            ),
                        ));
                        break;
                    }
                }
                if !code_ranges
                    .iter()
                    .any(|c| c.start <= range.start && range.end <= c.end)
                {
                    errors.push(LessonError::new(
                        &lesson.file,
                        line,
                        format!(
                            "placeholder `{{{{{}}}}}` must stand inside `backticks` so its value shows verbatim",
                            which.name()
                        ),
                    ));
                }
            }
        }
    }
    errors
}

/// The byte ranges of inline code and code blocks in `body`.
fn code_ranges(body: &str) -> Vec<Range<usize>> {
    Parser::new_ext(body, Options::empty())
        .into_offset_iter()
        .filter_map(|(event, range)| match event {
            Event::Code(_) | Event::Start(Tag::CodeBlock(_)) => Some(range),
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_are_unique() {
        for p in Placeholder::ALL {
            assert_eq!(Placeholder::from_name(p.name()), Some(p));
        }
        let mut names: Vec<_> = Placeholder::ALL.iter().map(|p| p.name()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), Placeholder::ALL.len());
    }

    #[test]
    fn scan_finds_placeholders_with_their_lines() {
        let tokens = scan("a `{{code}}`\nb {{ state }} {{nope}}\n{{open", 10);
        let found: Vec<_> = tokens
            .iter()
            .filter_map(|t| match t {
                Token::Placeholder { which, line, .. } => Some(format!("{}@{line}", which.name())),
                Token::Unknown { name, line } => Some(format!("?{name}@{line}")),
                Token::Unclosed { line } => Some(format!("unclosed@{line}")),
                Token::Text(_) => None,
            })
            .collect();
        assert_eq!(found, ["code@10", "state@11", "?nope@11", "unclosed@12"]);
    }

    #[test]
    fn availability_follows_the_table() {
        use Placeholder as P;
        let pkce = Flow::Pkce;
        let plain = Flow::Plain;
        assert!(
            P::CodeVerifier
                .available(pkce, Some(Stage::Verifier), None)
                .is_ok()
        );
        assert!(
            P::CodeVerifier
                .available(plain, Some(Stage::Verification), None)
                .is_err()
        );
        assert!(
            P::AccessToken
                .available(pkce, Some(Stage::Challenge), None)
                .is_err()
        );
        assert!(
            P::Code
                .available(plain, Some(Stage::CodeIssued), None)
                .is_ok()
        );
        assert!(P::Issuer.available(plain, None, None).is_ok());
        assert!(P::RedirectUri.available(pkce, None, None).is_err());
        assert!(
            P::StolenAccessToken
                .available(plain, Some(Stage::CodeIssued), Some(Attack::Interception))
                .is_ok()
        );
        assert!(
            P::StolenAccessToken
                .available(pkce, Some(Stage::CodeIssued), Some(Attack::Interception))
                .is_err()
        );
        assert!(
            P::AttackResponse
                .available(pkce, Some(Stage::CodeIssued), None)
                .is_err()
        );
    }
}
