//! The attacks, as steps with the attacker on stage, played after stage 4
//! (the victim's client holds its code). Each side of an attack runs the
//! configuration of `engine::configuration`: the plain flow's side lacks the
//! defence, the PKCE side is OAuth 2.1 and MCP.

use super::FlowError;
use super::engine::{Engine, policy_name};
use super::stages::{sent, token_outcome};
use crate::client::{Callback, Client, ClientError, parse_callback};
use crate::pkce::{CodeVerifier, derive_s256};
use crate::record::{
    Actor, Attack, AttackConfiguration, AttackRecord, Edit, PlannedRequest, StepRecord,
};
use crate::wire::Exchange;

impl Engine {
    /// RFC 7636 §1 (4a): a malicious app that receives a copy of the redirect
    /// redeems the code before the real client does. It knows the public
    /// `client_id` and the redirect URI; against PKCE it has to invent a
    /// verifier, because the real one never left the client.
    pub(super) async fn intercept(&mut self) -> Result<AttackRecord, FlowError> {
        let code = self.values.code.clone().unwrap_or_default();
        let invented = self
            .method
            .is_some()
            .then(|| CodeVerifier::generate(&mut self.rng).0);
        let request = self.token_request_for(&code, invented.as_ref());
        let theft = self
            .send_step(
                Actor::Attacker,
                "attacker: token request with the intercepted code",
                request,
                &[],
            )
            .await?;
        self.attacker_redeemed(Attack::Interception, vec![theft])
            .await
    }

    /// RFC 7636 §1 (4b): the attacker also reads the authorization request,
    /// so it holds the challenge, and presents it as the verifier. With
    /// `plain` the challenge is the verifier; with S256 it is its hash.
    pub(super) async fn sniff(&mut self) -> Result<AttackRecord, FlowError> {
        let code = self.values.code.clone().unwrap_or_default();
        let read = self.values.code_challenge.clone().unwrap_or_default();
        let reading = StepRecord::local(
            Actor::Attacker,
            format!("attacker: reads the authorization request: code_challenge = {read}"),
        );
        let request = with_param(self.token_request_for(&code, None), "code_verifier", &read);
        let theft = self
            .send_step(
                Actor::Attacker,
                "attacker: token request with the intercepted code and the challenge it read",
                request,
                &[],
            )
            .await?;
        self.attacker_redeemed(Attack::Sniffing, vec![reading, theft])
            .await
    }

    /// The attacker redeemed a code (the last step): if it got a token, it
    /// calls the resource with it.
    async fn attacker_redeemed(
        &mut self,
        attack: Attack,
        mut steps: Vec<StepRecord>,
    ) -> Result<AttackRecord, FlowError> {
        let decisive = match steps.last() {
            Some(step) => sent(step)?.clone(),
            None => return Err(ClientError::Protocol("the attack sent nothing".into()).into()),
        };
        let stolen = token_outcome(&decisive.response).ok();
        if let Some(token) = &stolen {
            let call = Client::plan_resource(&self.values.resource, token);
            steps.push(
                self.send_step(
                    Actor::Attacker,
                    "attacker: call to the protected resource",
                    call,
                    &[],
                )
                .await?,
            );
        }
        Ok(self.attack_record(attack, steps, decisive, stolen))
    }

    /// RFC 9700 §4.8.1: the attacker starts a flow of their own with the
    /// challenge stripped, then injects the code they get into the victim's
    /// callback; the victim's client redeems it with its own verifier. The
    /// server must refuse: at the authorization endpoint when PKCE is required
    /// (OAuth 2.1 §4.1.2.1), at the token endpoint otherwise (RFC 9700 §4.8.2).
    pub(super) async fn downgrade(&mut self) -> Result<AttackRecord, FlowError> {
        let state = self.random_value();
        let own = self.client_authorization(&state, None)?;
        let (mut steps, session) = self
            .attacker_authorizes(
                "attacker: own authorization request, challenge stripped",
                own,
                &state,
            )
            .await?;
        let callback = match session {
            Session::Code(callback) => callback,
            // Refused at the door: no code exists without a challenge.
            Session::Refused(page) => {
                return Ok(self.attack_record(Attack::Downgrade, steps, page, None));
            }
        };
        steps.push(StepRecord::local(
            Actor::Attacker,
            format!(
                "attacker: injects its code {} into the victim's redirect",
                callback.code
            ),
        ));
        // The victim's client redeems with its own verifier; a client without
        // PKCE makes one as a PKCE client would, to show the server's check.
        let verifier = match &self.verifier {
            Some(v) => v.clone(),
            None => CodeVerifier::generate(&mut self.rng).0,
        };
        let request = self.token_request_for(&callback.code, Some(&verifier));
        let injected = self
            .send_step(
                Actor::Client,
                "victim: token request with the injected code",
                request,
                &[],
            )
            .await?;
        let decisive = sent(&injected)?.clone();
        steps.push(injected);
        let token = token_outcome(&decisive.response).ok();
        Ok(self.attack_record(Attack::Downgrade, steps, decisive, token))
    }

    /// RFC 9700 §4.5: the attacker holds the victim's code (a leaked
    /// redirect) and starts a session of its own with the legitimate client;
    /// when its own redirect comes back, it swaps in the victim's code. The
    /// client redeems it in the attacker's session, with the verifier it made
    /// for that session: without PKCE the attacker's session gets the
    /// victim's access; with PKCE that verifier does not match the victim's
    /// challenge.
    pub(super) async fn inject(&mut self) -> Result<AttackRecord, FlowError> {
        let stolen = self.values.code.clone().unwrap_or_default();
        let mut steps = vec![StepRecord::local(
            Actor::Attacker,
            format!("attacker: holds the victim's code {stolen} from a leaked redirect"),
        )];
        // The client's session for the attacker: its own state and verifier.
        let session_verifier = self
            .method
            .is_some()
            .then(|| CodeVerifier::generate(&mut self.rng).0);
        let state = self.random_value();
        let challenge = session_verifier.as_ref().map(|v| derive_s256(v).challenge);
        let request = self.client_authorization(&state, challenge.as_ref())?;
        let (session_steps, session) = self
            .attacker_authorizes(
                "attacker: signs in through the client (its own session)",
                request,
                &state,
            )
            .await?;
        steps.extend(session_steps);
        let Session::Code(callback) = session else {
            return Err(ClientError::Protocol(
                "the attacker's own authorization request was refused".into(),
            )
            .into());
        };
        steps.push(StepRecord::local(
            Actor::Attacker,
            format!(
                "attacker: replaces its own code {} with the victim's in the redirect to the client",
                callback.code
            ),
        ));
        let request = self.token_request_for(&stolen, session_verifier.as_ref());
        let redeemed = self
            .send_step(
                Actor::Client,
                "client: token request with the injected code, in the attacker's session",
                request,
                &[],
            )
            .await?;
        let decisive = sent(&redeemed)?.clone();
        steps.push(redeemed);
        let token = token_outcome(&decisive.response).ok();
        Ok(self.attack_record(Attack::Injection, steps, decisive, token))
    }

    /// The attacker's browser sends an authorization request and approves
    /// it: the steps, and the code of the redirect (checked against
    /// `state`), or the server's refusal when no consent page came.
    async fn attacker_authorizes(
        &mut self,
        purpose: &str,
        request: PlannedRequest,
        state: &str,
    ) -> Result<(Vec<StepRecord>, Session), FlowError> {
        let opened = self
            .send_step(Actor::Attacker, purpose, request, &[])
            .await?;
        let page = sent(&opened)?.clone();
        let mut steps = Vec::new();
        // With a metadata document, the server fetches it on the
        // authorization request: its own step, right after.
        self.file(&mut steps, opened);
        let Ok(approval) = Client::plan_consent(&page) else {
            return Ok((steps, Session::Refused(page)));
        };
        let approved = self
            .send_step(
                Actor::Attacker,
                "attacker: approves its own request",
                approval,
                &[],
            )
            .await?;
        let callback = parse_callback(
            &sent(&approved)?.response,
            state,
            &self.metadata.issuer,
            self.metadata.authorization_response_iss_parameter_supported,
        )
        .map_err(ClientError::from)?;
        steps.push(approved);
        Ok((steps, Session::Code(callback)))
    }

    fn attack_record(
        &mut self,
        attack: Attack,
        mut steps: Vec<StepRecord>,
        decisive: Exchange,
        token: Option<String>,
    ) -> AttackRecord {
        // Whatever the server did on its own that no step filed yet.
        steps.append(&mut self.server_steps);
        AttackRecord {
            attack,
            flow: self.scenario.flow,
            configuration: AttackConfiguration {
                server_policy: policy_name(self.policy),
                code_challenge_method: self.method.map(|m| m.name()),
            },
            steps,
            decisive,
            succeeded: token.is_some(),
            stolen_access_token: token,
        }
    }
}

/// How the attacker's own authorization request ended.
enum Session {
    /// The redirect carried a code.
    Code(Callback),
    /// No consent page: the server refused the request (the decisive answer).
    Refused(Exchange),
}

/// A planned request with one more parameter, as an attacker (or the
/// insecure client) writes it: unchecked, on purpose.
fn with_param(request: PlannedRequest, name: &str, value: &str) -> PlannedRequest {
    request
        .amend(&[Edit::Set {
            param: name.to_owned(),
            value: value.to_owned(),
        }])
        .0
}
