//! The placeholder vocabulary: which `{{name}}` exists, where it can be
//! filled (checked statically from a lesson's stage, flow and attack), and
//! how its value is read from a recorded [`Trace`]. The vocabulary is
//! written once, as the table given to `vocabulary!`, from which the enum,
//! its names, its availability and its documented table are all made.

use std::ops::Range;

use pulldown_cmark::{Event, Options, Parser, Tag};

use super::{Lesson, LessonError};
use crate::flow::{Attack, Flow, Stage, StageRecord, Trace};
use crate::record::{PkceCheck, ServerEvent, StoredCode};
use crate::wire::HttpResponse;

/// Writes the vocabulary out of the one table below: the [`Placeholder`]
/// enum (whose documentation is the table, for lesson authors),
/// [`Placeholder::ALL`], [`Placeholder::name`] and `availability`.
///
/// A row is `Variant "name" [where] "what it holds"`, `where` being one of
/// `always`; `from N` (stage N on, both flows); `pkce from N` (stage N on,
/// the PKCE flow only); `attack any` (every attack lesson); or
/// `attack pkce(Attack, …) plain(Attack, …)` (only in the lessons of those
/// attacks, in that flow). How a value is read from a run is the one thing
/// a row does not say: that is `Placeholder::value`, whose `match` the
/// compiler keeps complete.
macro_rules! vocabulary {
    ($($variant:ident $name:literal [$($where:tt)+] $about:literal;)+) => {
        /// A value a lesson can name, as `{{name}}`.
        ///
        /// "from N" means from stage N on (values accumulate); "attack"
        /// means only in an attack lesson, and a list of attacks only in
        /// the lessons of those attacks.
        ///
        /// | placeholder | pkce flow | plain flow | value |
        /// | --- | --- | --- | --- |
        $(#[doc = concat!(
            "| `", $name, "` | ",
            vocabulary!(@pkce $($where)+), " | ",
            vocabulary!(@plain $($where)+), " | ",
            $about, " |"
        )])+
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Placeholder {
            $(#[doc = concat!("`{{", $name, "}}`: ", $about)] $variant,)+
        }

        impl Placeholder {
            /// Every placeholder, in the order of the table.
            pub const ALL: [Placeholder; [$($name),+].len()] = [$(Self::$variant),+];

            /// The name written between `{{` and `}}`.
            pub fn name(self) -> &'static str {
                match self {
                    $(Self::$variant => $name,)+
                }
            }

            fn availability(self) -> Availability {
                match self {
                    $(Self::$variant => vocabulary!(@availability $($where)+),)+
                }
            }
        }
    };
    (@availability always) => { Availability::Always };
    (@availability from $n:literal) => { Availability::FromStage(Stage::ALL[$n - 1]) };
    (@availability pkce from $n:literal) => { Availability::PkceFromStage(Stage::ALL[$n - 1]) };
    (@availability attack any) => {
        Availability::Attack { pkce: ANY_ATTACK, plain: ANY_ATTACK }
    };
    (@availability attack pkce($($pkce:ident),*) plain($($plain:ident),*)) => {
        Availability::Attack { pkce: &[$(Attack::$pkce),*], plain: &[$(Attack::$plain),*] }
    };
    (@pkce always) => { "always" };
    (@pkce from $n:literal) => { concat!("from ", $n) };
    (@pkce pkce from $n:literal) => { concat!("from ", $n) };
    (@pkce attack any) => { "attack" };
    (@pkce attack pkce($($pkce:ident),*) plain($($plain:ident),*)) => {
        vocabulary!(@list $($pkce),*)
    };
    (@plain always) => { "always" };
    (@plain from $n:literal) => { concat!("from ", $n) };
    (@plain pkce from $n:literal) => { "–" };
    (@plain attack any) => { "attack" };
    (@plain attack pkce($($pkce:ident),*) plain($($plain:ident),*)) => {
        vocabulary!(@list $($plain),*)
    };
    (@list) => { "–" };
    (@list $first:ident $(, $rest:ident)*) => {
        concat!(stringify!($first) $(, ", ", stringify!($rest))*)
    };
}

vocabulary! {
    Issuer "issuer" [always]
        "the server's issuer, `http://127.0.0.1:<port>`";
    ClientId "client_id" [always]
        "the identifier registered in Step 03";
    RedirectUri "redirect_uri" [from 1]
        "the registered redirect URI";
    Resource "resource" [from 1]
        "the resource the token is for (RFC 8707)";
    RandomOctetsHex "random_octets_hex" [pkce from 1]
        "the 32 random octets behind the verifier, hex";
    CodeVerifier "code_verifier" [pkce from 1]
        "the client's `code_verifier`";
    Sha256Hex "sha256_hex" [pkce from 2]
        "`SHA256(code_verifier)` as the client computed it, hex";
    CodeChallenge "code_challenge" [pkce from 2]
        "the client's `code_challenge`";
    CodeChallengeMethod "code_challenge_method" [pkce from 2]
        "`S256`";
    State "state" [from 3]
        "the `state` of the authorization request";
    AuthorizationUrl "authorization_url" [from 3]
        "the full authorization URL";
    Code "code" [from 4]
        "the code the client received";
    Iss "iss" [from 4]
        "the `iss` of the redirect (RFC 9207)";
    CodeLifetimeSecs "code_lifetime_secs" [from 4]
        "the code's lifetime as the server stored it";
    StoredChallenge "stored_challenge" [pkce from 4]
        "the challenge the server stored with the code";
    StoredChallengeMethod "stored_challenge_method" [pkce from 4]
        "the method stored with it";
    TokenResponse "token_response" [from 5]
        "the client's token response: `200 access_token=…` or `400 error=…`";
    ServerCodeVerifier "server_code_verifier" [pkce from 6]
        "the verifier as the token endpoint received it";
    ServerSha256Hex "server_sha256_hex" [pkce from 6]
        "`SHA256` of it, computed by the server, hex";
    ComputedChallenge "computed_challenge" [pkce from 6]
        "`BASE64URL(SHA256(…))`, computed by the server";
    PkceVerdict "pkce_verdict" [pkce from 6]
        "the server's verdict: `match`, `mismatch`, …";
    AccessToken "access_token" [pkce from 6]
        "the client's access token (in the plain flow an interception may take it)";
    ExpiresIn "expires_in" [pkce from 6]
        "the token's lifetime in seconds";
    AttackRequest "attack_request" [attack any]
        "the decisive request, e.g. `POST /token`";
    AttackCode "attack_code" [attack pkce(Interception, Sniffing, Injection) plain(Interception, Sniffing, Downgrade, Injection)]
        "the code presented (the PKCE server refuses a downgrade before issuing one)";
    AttackResponse "attack_response" [attack any]
        "the server's answer, e.g. `400 error=invalid_grant`";
    AttackError "attack_error" [attack pkce(Interception, Sniffing, Downgrade, Injection) plain()]
        "the OAuth error of the refusal (every attack fails against PKCE)";
    AttackCodeVerifier "attack_code_verifier" [attack pkce(Interception, Sniffing, Injection) plain(Sniffing, Downgrade)]
        "the verifier presented: invented by the interceptor, the challenge the sniffer read, the victim's own with the injected code, or the one of the attacker's session";
    StolenAccessToken "stolen_access_token" [attack pkce() plain(Interception, Sniffing, Downgrade, Injection)]
        "the token the attack obtained (every attack succeeds without its defence)";
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
    /// Only in an attack lesson: of these attacks in the PKCE flow, and of
    /// these in the plain flow.
    Attack {
        pkce: &'static [Attack],
        plain: &'static [Attack],
    },
}

/// Every attack a lesson can explain.
const ANY_ATTACK: &[Attack] = &Attack::ALL;

impl Placeholder {
    /// The placeholder called `name`.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.name() == name)
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
            Availability::Attack { pkce, plain } => {
                let attacks = match flow {
                    Flow::Pkce => pkce,
                    Flow::Plain => plain,
                };
                match attack {
                    Some(a) if attacks.contains(&a) => Ok(()),
                    Some(a) => Err(format!(
                        "the {} attack in the {} flow does not produce it",
                        a.name(),
                        flow.name()
                    )),
                    None => Err("it exists only in an attack lesson".to_owned()),
                }
            }
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
            Self::AttackError => ctx.attack()?.decisive.response.oauth_error(),
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

/// A response in one line: `400 error=invalid_grant`, `200
/// access_token=…`, `302 code=…`, or the bare status.
fn compact_response(response: &HttpResponse) -> String {
    let status = response.status;
    if let Some(error) = response.oauth_error() {
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
