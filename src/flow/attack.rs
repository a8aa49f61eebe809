//! The attacks, as steps with the attacker on stage, played after stage 4.

use super::FlowError;
use super::engine::Engine;
use super::stages::sent;
use crate::client::{Client, ClientError, parse_callback};
use crate::pkce::CodeVerifier;
use crate::record::{Actor, Attack, AttackRecord, Flow, StepRecord};

impl Engine {
    /// RFC 7636 §1: a malicious app that receives a copy of the redirect
    /// redeems the code before the real client does. It knows the public
    /// `client_id` and the redirect URI; in the PKCE flow it has to invent a
    /// verifier, because the real one never left the client.
    pub(super) async fn intercept(&mut self) -> Result<AttackRecord, FlowError> {
        let code = self.values.code.clone().unwrap_or_default();
        let invented =
            (self.scenario.flow == Flow::Pkce).then(|| CodeVerifier::generate(&mut self.rng).0);
        let request = self.token_request_for(&code, invented.as_ref());
        let theft = self
            .send_step(
                Actor::Attacker,
                "attacker: token request with the intercepted code",
                request,
                &[],
            )
            .await?;
        let decisive = sent(&theft)?.clone();
        let stolen = (decisive.response.status == 200)
            .then(|| decisive.response.json_str("access_token"))
            .flatten();
        let mut steps = vec![theft];
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
        Ok(AttackRecord {
            attack: Attack::Interception,
            flow: self.scenario.flow,
            steps,
            decisive,
            succeeded: stolen.is_some(),
            stolen_access_token: stolen,
        })
    }

    /// RFC 9700 §4.8.1: the attacker starts a flow of their own with the
    /// challenge stripped, then injects the code they get into the victim's
    /// callback; the victim's client redeems it with its own verifier. The
    /// server must refuse: at the authorization endpoint when PKCE is required
    /// (OAuth 2.1 §4.1.2.1), at the token endpoint otherwise (RFC 9700 §4.8.2).
    pub(super) async fn downgrade(&mut self) -> Result<AttackRecord, FlowError> {
        let state = self.random_value();
        let own = Client::plan_authorization(
            &self.metadata,
            &crate::client::AuthorizationRequest {
                client_id: &self.values.client_id,
                redirect_uri: super::REDIRECT_URI,
                state: &state,
                code_challenge: None,
                scope: super::SCOPE,
                resource: &self.values.resource,
            },
        )?;
        let opened = self
            .send_step(
                Actor::Attacker,
                "attacker: own authorization request, challenge stripped",
                own,
                &[],
            )
            .await?;
        let page = sent(&opened)?.clone();
        let mut steps = vec![opened];
        if page.response.status != 200 {
            // Refused at the door: no code exists without a challenge.
            return Ok(AttackRecord {
                attack: Attack::Downgrade,
                flow: self.scenario.flow,
                steps,
                decisive: page,
                succeeded: false,
                stolen_access_token: None,
            });
        }
        let approval = self
            .send_step(
                Actor::Attacker,
                "attacker: approves its own request",
                Client::plan_consent(&page)?,
                &[],
            )
            .await?;
        let callback = parse_callback(
            &sent(&approval)?.response,
            &state,
            self.issuer(),
            self.metadata.authorization_response_iss_parameter_supported,
        )
        .map_err(ClientError::from)?;
        steps.push(approval);
        // The victim's client uses PKCE; in the plain flow it has no verifier
        // yet, so it makes one as a PKCE client would.
        let verifier = match &self.verifier {
            Some(v) => v.clone(),
            None => CodeVerifier::generate(&mut self.rng).0,
        };
        let request = self.token_request_for(&callback.code, Some(&verifier));
        let injected: StepRecord = self
            .send_step(
                Actor::Client,
                "victim: token request with the injected code",
                request,
                &[],
            )
            .await?;
        let decisive = sent(&injected)?.clone();
        steps.push(injected);
        let token = (decisive.response.status == 200)
            .then(|| decisive.response.json_str("access_token"))
            .flatten();
        Ok(AttackRecord {
            attack: Attack::Downgrade,
            flow: self.scenario.flow,
            steps,
            decisive,
            succeeded: token.is_some(),
            stolen_access_token: token,
        })
    }
}
