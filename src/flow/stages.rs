//! The six stages as steps: what each actor does, what it plans to send,
//! and what the client makes of the answer. A refusal ends the flow where
//! the protocol ends it; later stages are recorded as not reached.

use super::engine::{ClientMethod, Engine, PlannedStep};
use super::{FlowError, Stage};
use crate::client::{AuthorizationRequest, Client, ClientError, TokenRequest, parse_callback};
use crate::pkce::{CodeChallenge, CodeVerifier, derive_s256, hex_grouped};
use crate::record::{Actor, Edit, StageRecord, StepRecord, Target};
use crate::wire::{HttpResponse, Param};

impl Engine {
    /// The request a stage sends, as its actor plans it; `None` for a stage
    /// that sends nothing.
    pub(super) fn make_plan(&mut self, stage: Stage) -> Result<Option<PlannedStep>, ClientError> {
        if self.ended {
            return Ok(None);
        }
        let plan = match stage {
            Stage::Verifier | Stage::Challenge => return Ok(None),
            Stage::AuthorizationRequest => {
                let state = self.random_value();
                let request = self.authorization_request_for(&state)?;
                PlannedStep {
                    stage,
                    actor: Actor::Browser,
                    purpose: "authorization request (browser)",
                    request,
                }
            }
            Stage::CodeIssued => {
                let Some(page) = &self.browser_page else {
                    return Ok(None);
                };
                PlannedStep {
                    stage,
                    actor: Actor::Browser,
                    purpose: "the user approves (browser)",
                    request: Client::plan_consent(page)?,
                }
            }
            Stage::TokenRequest => {
                let code = self.values.code.clone().unwrap_or_default();
                PlannedStep {
                    stage,
                    actor: Actor::Client,
                    purpose: "token request",
                    request: self.token_request_for(&code, self.verifier.as_ref()),
                }
            }
            Stage::Verification => {
                let Some(token) = &self.issued_token else {
                    return Ok(None);
                };
                match self.scenario.target {
                    Target::Resource => PlannedStep {
                        stage,
                        actor: Actor::Client,
                        purpose: "call to the protected resource",
                        request: Client::plan_resource(&self.values.resource, token),
                    },
                    Target::Mcp => self.plan_mcp_initialize(token),
                }
            }
        };
        Ok(Some(plan))
    }

    /// The authorization request of this client with that `state`: its
    /// challenge and method, if it uses PKCE.
    pub(super) fn authorization_request_for(
        &self,
        state: &str,
    ) -> Result<crate::record::PlannedRequest, ClientError> {
        let mut request = self.client_authorization(state, self.challenge.as_ref())?;
        if self.method == Some(ClientMethod::Plain)
            && let Some(verifier) = &self.verifier
        {
            // The insecure client: its challenge is its verifier (RFC 7636
            // §4.2, `plain`), which the checked `CodeChallenge` type cannot
            // hold on purpose.
            let at = request
                .params
                .iter()
                .position(|p| p.name == "resource")
                .unwrap_or(request.params.len());
            request
                .params
                .insert(at, Param::new("code_challenge", verifier.secret()));
            request
                .params
                .insert(at + 1, Param::new("code_challenge_method", "plain"));
        }
        Ok(request)
    }

    /// The legitimate client's authorization request, with `state` and the
    /// challenge given (none: stripped).
    pub(super) fn client_authorization(
        &self,
        state: &str,
        code_challenge: Option<&CodeChallenge>,
    ) -> Result<crate::record::PlannedRequest, ClientError> {
        Client::plan_authorization(
            &self.metadata,
            &AuthorizationRequest {
                client_id: &self.values.client_id,
                redirect_uri: &self.values.redirect_uri,
                state,
                code_challenge,
                scope: &self.scope,
                resource: &self.values.resource,
            },
        )
    }

    /// A token request for `code` as this client (or someone holding its
    /// public client_id) plans it.
    pub(super) fn token_request_for(
        &self,
        code: &str,
        code_verifier: Option<&CodeVerifier>,
    ) -> crate::record::PlannedRequest {
        Client::plan_token(
            &self.metadata,
            &TokenRequest {
                code,
                redirect_uri: &self.values.redirect_uri,
                client_id: &self.values.client_id,
                code_verifier,
                resource: &self.values.resource,
            },
        )
    }

    /// Performs a stage for real.
    pub(super) async fn run_stage(
        &mut self,
        stage: Stage,
        edits: &[Edit],
    ) -> Result<StageRecord, FlowError> {
        if self.ended {
            return Ok(StageRecord {
                reached: false,
                ..self.stage_record(stage, Vec::new())
            });
        }
        let mut steps = Vec::new();
        match stage {
            Stage::Verifier => {
                if self.method.is_some() {
                    let (verifier, octets) = CodeVerifier::generate(&mut self.rng);
                    self.values.random_octets_hex = Some(hex_grouped(&octets));
                    self.values.code_verifier = Some(verifier.secret().to_owned());
                    self.verifier = Some(verifier);
                    steps.push(StepRecord::local(
                        Actor::Client,
                        "makes a code_verifier from 32 random octets (RFC 7636 §4.1)",
                    ));
                }
            }
            Stage::Challenge => match (&self.verifier, self.method) {
                (Some(verifier), Some(ClientMethod::Plain)) => {
                    self.values.code_challenge = Some(verifier.secret().to_owned());
                    self.values.code_challenge_method = Some("plain".to_owned());
                    steps.push(StepRecord::local(
                        Actor::Client,
                        "uses the code_verifier itself as code_challenge (plain, RFC 7636 §4.2)",
                    ));
                }
                (Some(verifier), _) => {
                    let derivation = derive_s256(verifier);
                    self.values.sha256_hex = Some(hex_grouped(&derivation.sha256));
                    self.values.code_challenge = Some(derivation.challenge.as_str().to_owned());
                    self.values.code_challenge_method = Some("S256".to_owned());
                    self.challenge = Some(derivation.challenge);
                    steps.push(StepRecord::local(
                        Actor::Client,
                        "derives code_challenge = BASE64URL(SHA256(code_verifier)) (RFC 7636 §4.2)",
                    ));
                }
                (None, _) => {}
            },
            Stage::AuthorizationRequest => {
                if self.browser.real()
                    && let Some(done) = self.authorization_in_browser(edits).await?
                {
                    return Ok(self.stage_record(stage, done));
                }
                let plan = self.expect_plan(stage)?;
                // The client remembers the state it made, whatever the
                // learner sends: the redirect is checked against it (C-5).
                self.values.state = plan.request.param("state").map(str::to_owned);
                self.browser_request = Some(plan.request.amend(edits).0);
                let step = self.send_plan(plan, edits).await?;
                let exchange = sent(&step)?;
                self.values.authorization_url = Some(exchange.request.url.clone());
                if Client::plan_consent(exchange).is_ok() {
                    self.browser_page = Some(exchange.clone());
                } else {
                    // No consent page: a redirect with an error (the browser
                    // takes it to the client), or an error page that stops
                    // the browser.
                    let response = exchange.response.clone();
                    self.end_with(self.callback_error(&response));
                }
                self.file(&mut steps, step);
            }
            Stage::CodeIssued => {
                if self.browser.real()
                    && let Some(done) = self.redirect_in_browser().await?
                {
                    return Ok(self.stage_record(stage, done));
                }
                // The simulated browser, perhaps taking over from the real
                // one, which had the consent page.
                if let Some(reopened) = self.reopen_in_simulated_browser().await? {
                    self.file(&mut steps, reopened);
                    if self.browser_page.is_none() {
                        self.end_with(
                            "the authorization URL no longer gives a consent page".into(),
                        );
                        return Ok(self.stage_record(stage, steps));
                    }
                }
                let plan = self.expect_plan(stage)?;
                let step = self.send_plan(plan, edits).await?;
                let response = &sent(&step)?.response;
                match parse_callback(
                    response,
                    self.values.state.as_deref().unwrap_or_default(),
                    &self.metadata.issuer,
                    self.metadata.authorization_response_iss_parameter_supported,
                ) {
                    Ok(callback) => {
                        self.values.code = Some(callback.code);
                        self.values.iss = callback.iss;
                    }
                    Err(_) => {
                        let error = self.callback_error(response);
                        self.end_with(error);
                    }
                }
                steps.push(step);
            }
            Stage::TokenRequest => {
                let plan = self.expect_plan(stage)?;
                let step = self.send_plan(plan, edits).await?;
                let exchange = sent(&step)?;
                self.token_request = step.planned.as_ref().map(|p| p.amend(edits).0);
                match token_outcome(&exchange.response) {
                    Ok(token) => self.issued_token = Some(token),
                    Err(error) => self.values.error = Some(error),
                }
                steps.push(step);
            }
            Stage::Verification => {
                if self.scenario.replay
                    && let Some(request) = self.token_request.clone()
                {
                    steps.push(
                        self.send_step(
                            Actor::Client,
                            "the same token request again (replay)",
                            request,
                            &[],
                        )
                        .await?,
                    );
                }
                if let Some(token) = self.issued_token.clone() {
                    self.values.access_token = Some(token);
                    let plan = self.expect_plan(stage)?;
                    match self.scenario.target {
                        Target::Resource => steps.push(self.send_plan(plan, edits).await?),
                        Target::Mcp => steps.extend(self.mcp_session(plan, edits).await?),
                    }
                }
            }
        }
        Ok(self.stage_record(stage, steps))
    }

    /// The plan of a stage that sends a request.
    fn expect_plan(&mut self, stage: Stage) -> Result<PlannedStep, ClientError> {
        self.take_plan(stage)?.ok_or_else(|| {
            ClientError::Protocol(format!("stage {} has nothing to send", stage.number()))
        })
    }

    pub(super) async fn send_plan(
        &mut self,
        plan: PlannedStep,
        edits: &[Edit],
    ) -> Result<StepRecord, FlowError> {
        self.send_step(plan.actor, plan.purpose, plan.request, edits)
            .await
    }

    /// What the client makes of an answer to the browser that carries no
    /// code: the error of a redirect (after the `state` and `iss` checks),
    /// or the status of a page that stops the browser.
    fn callback_error(&self, response: &HttpResponse) -> String {
        match parse_callback(
            response,
            self.values.state.as_deref().unwrap_or_default(),
            &self.metadata.issuer,
            self.metadata.authorization_response_iss_parameter_supported,
        ) {
            Err(crate::client::CallbackError::Refused { error, .. }) => error,
            Err(crate::client::CallbackError::NotARedirect(status)) => page_error(response)
                .unwrap_or_else(|| format!("{status}: the browser shows an error page")),
            Err(other) => other.to_string(),
            Ok(_) => "the redirect was not expected here".to_owned(),
        }
    }
}

/// The exchange of a step that sent a request.
pub(super) fn sent(step: &StepRecord) -> Result<&crate::wire::Exchange, ClientError> {
    step.exchange
        .as_ref()
        .ok_or_else(|| ClientError::Protocol(format!("{}: nothing was sent", step.purpose)))
}

/// The `error` an HTML error page names (`error=…`), as a user would read it.
fn page_error(response: &HttpResponse) -> Option<String> {
    let body = response.body.as_deref()?;
    let start = body.find("error=")? + "error=".len();
    let code: String = body[start..]
        .chars()
        .take_while(|c| c.is_ascii_lowercase() || *c == '_')
        .collect();
    (!code.is_empty()).then_some(code)
}

/// What the client makes of a token response (SPEC.md C-9): a 200 with a
/// JSON `access_token` of `token_type` Bearer (compared case-insensitively,
/// OAuth 2.1 §3.2.3), or the OAuth error (or the reason it is unusable).
pub(super) fn token_outcome(response: &HttpResponse) -> Result<String, String> {
    if response.status != 200 {
        return Err(response
            .json_str("error")
            .unwrap_or_else(|| response.status.to_string()));
    }
    let token = response
        .json_str("access_token")
        .ok_or("the token response has no access_token")?;
    match response.json_str("token_type") {
        Some(t) if t.eq_ignore_ascii_case("bearer") => Ok(token),
        other => Err(format!(
            "the token response's token_type is {other:?}, not Bearer (OAuth 2.1 section 3.2.3)"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn response(status: u16, body: &str) -> HttpResponse {
        HttpResponse {
            status,
            headers: vec![],
            body: Some(body.into()),
        }
    }

    #[test]
    fn the_client_checks_the_token_response() {
        assert_eq!(
            token_outcome(&response(
                200,
                r#"{"access_token":"t","token_type":"bearer"}"#
            )),
            Ok("t".into())
        );
        assert!(token_outcome(&response(200, r#"{"token_type":"Bearer"}"#)).is_err());
        assert!(
            token_outcome(&response(200, r#"{"access_token":"t","token_type":"mac"}"#)).is_err()
        );
        assert_eq!(
            token_outcome(&response(400, r#"{"error":"invalid_grant"}"#)),
            Err("invalid_grant".into())
        );
    }

    #[test]
    fn an_error_page_names_its_error() {
        let page = response(400, "<p><code>error=invalid_request</code></p>");
        assert_eq!(page_error(&page).as_deref(), Some("invalid_request"));
        assert_eq!(page_error(&response(400, "<p>oops</p>")), None);
    }
}
