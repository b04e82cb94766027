//! Changing an app's pool and client in Cognito. UpdateUserPool and UpdateUserPoolClient put
//! back the default of every member they are not given, so each change reads the pool or
//! client first, keeps every member as Cognito has it, puts in the app's settings, and writes
//! the whole back: what a developer set in AWS directly (tags, triggers, callback URLs…) stays.

use crate::client_settings;
use crate::error::ProviderError;
use crate::provider::CognitoProvider;
use crate::spec::PoolSpec;
use auth_return_core::settings::MfaMode;
use auth_return_core::{ClientId, PoolId};
use aws_sdk_cognitoidentityprovider::types::{
    ExplicitAuthFlowsType, PasswordPolicyType, SoftwareTokenMfaConfigType, UserPoolMfaType,
    UserPoolPolicyType,
};

impl CognitoProvider {
    /// Makes the pool and its client say what `spec` says (password policy, MFA, lifetimes,
    /// rotation, existence errors), every other member as it was.
    pub async fn update_pool(
        &self,
        pool_id: &PoolId,
        client_id: &ClientId,
        spec: &PoolSpec,
    ) -> Result<(), ProviderError> {
        let checked = spec.check()?;
        let pool = self
            .sdk()
            .describe_user_pool()
            .user_pool_id(pool_id.as_str())
            .send()
            .await
            .map_err(|err| self.error("DescribeUserPool", err))?
            .user_pool
            .ok_or_else(|| {
                ProviderError::Invalid("DescribeUserPool answered without the pool".into())
            })?;
        let policy = &spec.password_policy;
        let current = pool
            .policies
            .as_ref()
            .and_then(|p| p.password_policy.as_ref());
        let password_policy = PasswordPolicyType::builder()
            .minimum_length(checked.min_length)
            .require_uppercase(policy.require_uppercase)
            .require_lowercase(policy.require_lowercase)
            .require_numbers(policy.require_numbers)
            .require_symbols(policy.require_symbols)
            .set_password_history_size(current.and_then(|p| p.password_history_size))
            .set_temporary_password_validity_days(
                current.map(|p| p.temporary_password_validity_days),
            )
            .build();
        let policies = UserPoolPolicyType::builder()
            .password_policy(password_policy)
            .set_sign_in_policy(
                pool.policies
                    .as_ref()
                    .and_then(|p| p.sign_in_policy.clone()),
            )
            .build();
        self.sdk()
            .update_user_pool()
            .user_pool_id(pool_id.as_str())
            .policies(policies)
            .set_pool_name(pool.name)
            .set_deletion_protection(pool.deletion_protection)
            .set_lambda_config(pool.lambda_config)
            .set_auto_verified_attributes(pool.auto_verified_attributes)
            .set_sms_verification_message(pool.sms_verification_message)
            .set_email_verification_message(pool.email_verification_message)
            .set_email_verification_subject(pool.email_verification_subject)
            .set_verification_message_template(pool.verification_message_template)
            .set_sms_authentication_message(pool.sms_authentication_message)
            .set_user_attribute_update_settings(pool.user_attribute_update_settings)
            // The MFA mode is set below, with its factor, as at creation.
            .set_mfa_configuration(pool.mfa_configuration)
            .set_device_configuration(pool.device_configuration)
            .set_email_configuration(pool.email_configuration)
            .set_sms_configuration(pool.sms_configuration)
            .set_user_pool_tags(pool.user_pool_tags)
            .set_admin_create_user_config(pool.admin_create_user_config)
            .set_user_pool_add_ons(pool.user_pool_add_ons)
            .set_account_recovery_setting(pool.account_recovery_setting)
            .set_user_pool_tier(pool.user_pool_tier)
            .send()
            .await
            .map_err(|err| self.error("UpdateUserPool", err))?;
        self.sdk()
            .set_user_pool_mfa_config()
            .user_pool_id(pool_id.as_str())
            .set_software_token_mfa_configuration(
                (spec.mfa != MfaMode::Off)
                    .then(|| SoftwareTokenMfaConfigType::builder().enabled(true).build()),
            )
            .mfa_configuration(UserPoolMfaType::from(spec.mfa.as_str()))
            .send()
            .await
            .map_err(|err| self.error("SetUserPoolMfaConfig", err))?;

        let client = self
            .sdk()
            .describe_user_pool_client()
            .user_pool_id(pool_id.as_str())
            .client_id(client_id.as_str())
            .send()
            .await
            .map_err(|err| self.error("DescribeUserPoolClient", err))?
            .user_pool_client
            .ok_or_else(|| {
                ProviderError::Invalid("DescribeUserPoolClient answered without the client".into())
            })?;
        // The flows the app needs, beside any others a developer allowed in AWS.
        let mut flows = client.explicit_auth_flows.clone().unwrap_or_default();
        flows.retain(|flow| *flow != ExplicitAuthFlowsType::AllowRefreshTokenAuth);
        if !flows.contains(&ExplicitAuthFlowsType::AllowUserSrpAuth) {
            flows.push(ExplicitAuthFlowsType::AllowUserSrpAuth);
        }
        if !spec.refresh_rotation.enabled {
            flows.push(ExplicitAuthFlowsType::AllowRefreshTokenAuth);
        }
        let rotation = client_settings::rotation(spec, &checked)?;
        self.sdk()
            .update_user_pool_client()
            .user_pool_id(pool_id.as_str())
            .client_id(client_id.as_str())
            .set_client_name(client.client_name)
            .access_token_validity(checked.token.value)
            .id_token_validity(checked.token.value)
            .refresh_token_validity(checked.refresh.value)
            .token_validity_units(client_settings::units(&checked))
            .set_explicit_auth_flows(Some(flows))
            .set_read_attributes(client.read_attributes)
            .set_write_attributes(client.write_attributes)
            .set_supported_identity_providers(client.supported_identity_providers)
            .set_callback_urls(client.callback_urls)
            .set_logout_urls(client.logout_urls)
            .set_default_redirect_uri(client.default_redirect_uri)
            .set_allowed_o_auth_flows(client.allowed_o_auth_flows)
            .set_allowed_o_auth_scopes(client.allowed_o_auth_scopes)
            .set_allowed_o_auth_flows_user_pool_client(client.allowed_o_auth_flows_user_pool_client)
            .set_analytics_configuration(client.analytics_configuration)
            .prevent_user_existence_errors(client_settings::existence_errors(spec))
            .set_enable_token_revocation(client.enable_token_revocation)
            .set_enable_propagate_additional_user_context_data(
                client.enable_propagate_additional_user_context_data,
            )
            .set_auth_session_validity(client.auth_session_validity)
            .refresh_token_rotation(rotation)
            .send()
            .await
            .map_err(|err| self.error("UpdateUserPoolClient", err))?;
        tracing::info!(pool = %pool_id, client = %client_id, "updated Cognito user pool and client");
        Ok(())
    }
}
