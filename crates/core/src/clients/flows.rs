//! The sign-in flows a client may allow (Cognito's `ExplicitAuthFlows`), and the check that a
//! sign-in uses one its client allows.

use crate::error::{Error, Result};
use crate::model::Client;
use serde::{Deserialize, Serialize};

/// One of Cognito's `ExplicitAuthFlowsType` values (the `ALLOW_` forms; the legacy names are
/// refused where given).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ExplicitAuthFlow {
    /// `USER_SRP_AUTH` (and `ADMIN_USER_SRP_AUTH`).
    AllowUserSrpAuth,
    /// `USER_PASSWORD_AUTH`.
    AllowUserPasswordAuth,
    /// `USER_AUTH`: choice-based sign-in, passkeys and email codes.
    AllowUserAuth,
    /// `ADMIN_USER_PASSWORD_AUTH`.
    AllowAdminUserPasswordAuth,
    /// `REFRESH_TOKEN_AUTH` and GetTokensFromRefreshToken; Cognito requires it in every list.
    AllowRefreshTokenAuth,
    /// `CUSTOM_AUTH`: kept as given, but no custom challenge exists here (InitiateAuth refuses
    /// `CUSTOM_AUTH` whatever the client allows).
    AllowCustomAuth,
}

impl ExplicitAuthFlow {
    /// The value as Cognito spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::AllowUserSrpAuth => "ALLOW_USER_SRP_AUTH",
            Self::AllowUserPasswordAuth => "ALLOW_USER_PASSWORD_AUTH",
            Self::AllowUserAuth => "ALLOW_USER_AUTH",
            Self::AllowAdminUserPasswordAuth => "ALLOW_ADMIN_USER_PASSWORD_AUTH",
            Self::AllowRefreshTokenAuth => "ALLOW_REFRESH_TOKEN_AUTH",
            Self::AllowCustomAuth => "ALLOW_CUSTOM_AUTH",
        }
    }

    /// The value `text` names, if it is one of the `ALLOW_` forms.
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|flow| flow.as_str() == text)
    }

    /// Every flow, in the order they are listed.
    pub const ALL: [Self; 6] = [
        Self::AllowUserSrpAuth,
        Self::AllowUserPasswordAuth,
        Self::AllowUserAuth,
        Self::AllowAdminUserPasswordAuth,
        Self::AllowRefreshTokenAuth,
        Self::AllowCustomAuth,
    ];

    /// What a client made without `ExplicitAuthFlows` allows: Cognito's default.
    pub const DEFAULT: [Self; 3] = [
        Self::AllowUserSrpAuth,
        Self::AllowCustomAuth,
        Self::AllowRefreshTokenAuth,
    ];

    /// The `AuthFlow` name this permits, as Cognito's refusal names it.
    fn flow_name(self) -> &'static str {
        self.as_str().trim_start_matches("ALLOW_")
    }
}

impl Client {
    /// Whether the client allows `flow` (an app's own client allows every flow until a
    /// developer lists its flows).
    pub fn allows(&self, flow: ExplicitAuthFlow) -> bool {
        self.profile
            .auth_flows
            .as_ref()
            .is_none_or(|flows| flows.contains(&flow))
    }

    /// The flows the client allows, in Cognito's spelling.
    pub fn allowed_flows(&self) -> Vec<ExplicitAuthFlow> {
        match &self.profile.auth_flows {
            Some(flows) => flows.clone(),
            None => ExplicitAuthFlow::ALL
                .into_iter()
                .filter(|flow| *flow != ExplicitAuthFlow::AllowCustomAuth)
                .collect(),
        }
    }

    /// `Ok` if the client allows `flow`; otherwise Cognito's `InvalidParameterException`,
    /// "<FLOW> flow not enabled for this client".
    pub fn require(&self, flow: ExplicitAuthFlow) -> Result<()> {
        if self.allows(flow) {
            Ok(())
        } else {
            Err(Error::InvalidParameter(format!(
                "{} flow not enabled for this client",
                flow.flow_name()
            )))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::ExplicitAuthFlow;

    #[test]
    fn every_flow_parses_from_its_own_spelling_and_legacy_names_do_not() {
        for flow in ExplicitAuthFlow::ALL {
            assert_eq!(ExplicitAuthFlow::parse(flow.as_str()), Some(flow));
            let json = serde_json::to_string(&flow).unwrap();
            assert_eq!(json, format!("\"{}\"", flow.as_str()));
        }
        assert_eq!(ExplicitAuthFlow::parse("USER_PASSWORD_AUTH"), None);
        assert_eq!(ExplicitAuthFlow::parse("ADMIN_NO_SRP_AUTH"), None);
    }

    #[test]
    fn the_refusal_names_the_flow_as_initiate_auth_does() {
        assert_eq!(
            ExplicitAuthFlow::AllowUserPasswordAuth.flow_name(),
            "USER_PASSWORD_AUTH"
        );
    }
}
